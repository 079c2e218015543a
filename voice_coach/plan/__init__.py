"""Planning: exercises and settings into the exact timeline of a session (timeline), in the
coach's own words (spoken). Pure: no audio, no files, no engine. Import the submodules: this
package imports nothing on its own, so a page that needs only the words loads no planner."""

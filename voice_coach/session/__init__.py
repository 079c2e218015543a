"""A session made ready from what a person asked for: the options as typed at the command line
(options), laid over the stored settings and the log into content, settings and a cue source
ready to plan (prepare). Import the submodules: this package imports nothing on its own, so the
command line can read the options without loading the speech stack."""

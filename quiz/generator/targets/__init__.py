"""The cloze targets of a piece of text, found without markup: salient.py gathers them (and finds
gene symbols, variants, examples and abbreviated terms), figures.py the numbers and thresholds,
terms.py enumerations, causes and risks, technical terms and a line's main object."""

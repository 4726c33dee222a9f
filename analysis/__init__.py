"""Pure analysis of the TIP China narratives: text in, numbers out (no I/O, imports nothing of ours).

- sentences: split_sentences          - lexicon: parse_lexicon, Lexicon, LexiconError
- matching: find_matches, classify_kinds, find_quantifiers, scan_paragraph
- corpus: scan_corpus (one pass)      - mentions / kwic: the mentions, mention_sections, kwic tables
- claims: evaluate_claims, CHECKS (rules: claim_checks) - search: count_phrase, PatternError
- tables: build_analysis_tables (the entry point used by scrapers)
"""

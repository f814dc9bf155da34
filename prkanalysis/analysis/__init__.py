"""The leak's questions, each answered once.

Chapters and the claims ledger both call these functions, with the defaults that the
judgement tables under ``data/`` declare, so that one question never gets two answers.
"""

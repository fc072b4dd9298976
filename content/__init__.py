"""The chapter's questions, answers, hints and experiment links, loaded from Markdown."""

from content.loader import SECTIONS, ContentError, ExperimentLink, Question, load_questions

__all__ = ["SECTIONS", "ContentError", "ExperimentLink", "Question", "load_questions"]

"""The chapter's nine questions, answers, hints and experiment links, loaded from Markdown."""

from content.loader import ContentError, ExperimentLink, Question, load_questions

__all__ = ["ContentError", "ExperimentLink", "Question", "load_questions"]

"""The review of the access log (loggkontroll): the log searched (`selectors`), flagged reads,
staff reading outside their caseload, exports, and sample reviews with their findings
(`services`, `models`), on the pages of `views`. The log itself is written by kaa.audit."""

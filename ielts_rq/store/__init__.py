"""The platform's records in Redis: learners, submissions, results, analytics and batches.

One module per kind of record; what the platform calls is re-exported here,
so ``store.create_submission(...)`` and ``store.get_result(...)`` work::

    from ielts_rq import store
    submission_id = store.create_submission("user-42", "writing_task_2", essay, prompt=question)
"""

from .analytics import (
                        delete_analytics,
                        delete_analytics_older_than,
                        get_analytics,
                        learner_analytics_keys,
                        save_analytics,
)
from .batches import batch_progress, finish_batch, recent_batches, record_item_failures, save_batch
from .erasures import LearnerErased, forget_current_job, is_erased, mark_erased
from .records import check_id, new_id
from .results import (
                      claim_scoring,
                      content_fingerprint,
                      delete_results,
                      delete_results_older_than,
                      get_result,
                      get_results,
                      release_scoring,
                      remember_service_model,
                      result_for_same_content,
                      results_for_same_content,
                      results_for_user,
                      save_result,
                      save_results,
                      service_model,
)
from .submissions import (
                      MAX_PROMPT_CHARS,
                      create_submission,
                      delete_submissions,
                      delete_submissions_older_than,
                      get_submission,
                      get_submissions,
                      require_submission,
                      submissions_for_user,
)
from .users import address_opted_out, get_user, get_users, normal_address, save_user, update_user, user_known
from .waiting import ResultTimeout, ScoringFailed, listen_for_results, wait_for_result

__all__ = [
    "address_opted_out", "claim_scoring", "normal_address", "release_scoring", "remember_service_model",
    "service_model",
    "batch_progress", "check_id", "finish_batch", "content_fingerprint", "create_submission", "delete_analytics_older_than",
    "delete_results_older_than", "get_analytics", "get_result", "get_results", "get_submission", "get_submissions",
    "get_user", "get_users", "MAX_PROMPT_CHARS", "new_id", "recent_batches", "require_submission",
    "result_for_same_content", "results_for_same_content", "results_for_user", "save_analytics", "save_batch",
    "record_item_failures", "save_result", "save_results", "save_user", "submissions_for_user", "update_user",
    "user_known",
    "ResultTimeout", "ScoringFailed", "listen_for_results", "wait_for_result",
    "LearnerErased", "delete_analytics", "delete_results", "delete_submissions", "delete_submissions_older_than",
    "forget_current_job", "is_erased", "learner_analytics_keys", "mark_erased",
]

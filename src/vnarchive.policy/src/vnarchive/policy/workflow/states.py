"""State and transition ids of the record workflow (see its SPECIFICATION.md)."""

WORKFLOW_ID = "vnarchive_record_workflow"

PROCESSING = "processing"
ARCHIVED = "archived"
PUBLISHED = "published"
REVIEW_DESTRUCTION = "review_destruction"
DESTROYED = "destroyed"
TRANSFERRED = "transferred"

STATES = (PROCESSING, ARCHIVED, PUBLISHED, REVIEW_DESTRUCTION, DESTROYED, TRANSFERRED)

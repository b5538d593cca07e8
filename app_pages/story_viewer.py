"""Follow a story: a participant's own screen, showing the step the trainer presents.

Opened by the viewer link the trainer shares (``?view=TOKEN``): read-only, it follows the
trainer's moves within a few seconds and shows nothing else of the workspace.
"""

from __future__ import annotations

from ui.state import current_lang
from ui.story_present import viewer_page

viewer_page(current_lang())

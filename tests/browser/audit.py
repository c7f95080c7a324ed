"""What the accessibility tests measure on a page: axe-core's verdict (the engine is injected from
pwa/node_modules, never fetched) and the size of every control a field worker taps."""

from __future__ import annotations

import time
from pathlib import Path

from tests.browser.support import PWA

AXE = PWA / "node_modules" / "axe-core" / "axe.min.js"
MIN_TARGET_PX = 44

# Controls a worker taps. A checkbox, radio or file input counts by its label (the label is what
# is tapped); a link inline in running text is prose, not a control, and is exempt.
_MEASURE_TARGETS = """(min) => {
  const selector = 'button, a[href], summary, select, input, textarea, [role=tab], label.button';
  const seen = new Set();
  const small = [];
  for (const element of document.querySelectorAll(selector)) {
    let target = element;
    if (element.matches('input[type=checkbox], input[type=radio], input[type=file]')) {
      target = element.closest('label') ?? element;
    }
    if (seen.has(target)) continue;
    seen.add(target);
    if (!target.checkVisibility({ opacityProperty: false, visibilityProperty: true })) continue;
    if (target.closest('.maplibregl-canvas-container')) continue;
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (target.matches('a') && getComputedStyle(target).display === 'inline') {
      const prose = target.parentElement?.textContent?.trim() ?? '';
      if (prose.length > (target.textContent?.trim().length ?? 0)) continue;
    }
    if (box.width < min - 0.5 || box.height < min - 0.5) {
      small.push({
        tag: target.tagName.toLowerCase(),
        text: (target.textContent || target.getAttribute('aria-label') || '').trim().slice(0, 30),
        cls: target.className && typeof target.className === 'string' ? target.className : '',
        width: Math.round(box.width * 10) / 10,
        height: Math.round(box.height * 10) / 10,
      });
    }
  }
  return small;
}"""

# Chips and tabs that reach past the screen's edges, so part of a row cannot be seen.
_CLIPPED_CHIPS = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('.chip, [role=tab]')]
    .filter((chip) => chip.checkVisibility())
    .map((chip) => [chip.textContent.trim(), chip.getBoundingClientRect()])
    .filter(([, box]) => box.left < -0.5 || box.right > width + 0.5)
    .map(([text, box]) => `${text} (${Math.round(box.left)}..${Math.round(box.right)} of ${width})`);
}"""

_RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').slice(0, 160)),
    }));
}"""


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=Path(AXE).read_text(encoding="utf-8"))
    return page.evaluate(_RUN_AXE)


def small_targets(page) -> list[dict]:
    return page.evaluate(_MEASURE_TARGETS, MIN_TARGET_PX)


def clipped_chips(page) -> list[str]:
    return page.evaluate(_CLIPPED_CHIPS)


class Settle:
    """Waits until the page has had no request in flight for a moment, so an audit sees a screen
    that is done loading. Unlike Playwright's "networkidle" it says which requests were still
    open when it gives up (a request that never ends is a bug worth naming)."""

    QUIET_S = 0.5

    def __init__(self, page) -> None:
        self.page = page
        self.open: dict[object, str] = {}
        self.last_change = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request) -> None:
        self.open[request] = f"{request.method} {request.url}"
        self.last_change = time.monotonic()

    def _ended(self, request) -> None:
        self.open.pop(request, None)
        self.last_change = time.monotonic()

    def __call__(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(100)  # lets Playwright deliver the request events
            if not self.open and time.monotonic() - self.last_change >= self.QUIET_S:
                return
        raise AssertionError(
            f"requests still open after {timeout_s:.0f} s: {sorted(self.open.values())}"
        )

"""The XSS corpus (xss_payloads.py) in every place a member's words reach another member's screen
— post text, comments, replies, image descriptions, poll questions and options, document titles,
link-preview titles, descriptions and site names, and a member's own name — rendered in Chromium
on the post pages, the home feed, the hashtag page and the notifications page (and the author's
posts page and the reactions list).

On every page: no dialog opens, `window.__xss` is never set, no element carries an `on*`
attribute or a `javascript:`/`vbscript:`/`data:text/html` link, no active tag (`script`, `iframe`,
`object`, `embed`, `math`, `svg`, `style`, `base`, `meta`, `link`) sits in the page's main part
or a form inside member text, and the browser reports no Content-Security-Policy violation.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.core.text import without_nul
from maillage.feed import polls, services
from maillage.feed.models import (
    ALT_TEXT_MAX,
    COMMENT_MAX_CHARS,
    POLL_OPTION_MAX,
    POLL_QUESTION_MAX,
    POST_MAX_CHARS,
    LinkPreview,
    Post,
)
from maillage.network.tests.factories import connect, member

from .test_account_journey import logged_in_context_cookie
from .xss_payloads import LITERAL, PAYLOADS, expand

pytestmark = pytest.mark.django_db(transaction=True)

TAG = "xsscorpus"
HOSTILE_FIRST = "<img src=x onerror=window.__xss=1>"
HOSTILE_LAST = '"><svg onload=window.__xss=1>'

# Runs before any page script: a trap for `window.__xss`, and a record of CSP violations.
INIT = """
(() => {
  window.__xssHits = [];
  Object.defineProperty(window, '__xss', {
    configurable: false,
    get() { return window.__xssHits.length ? 1 : undefined; },
    set(v) { window.__xssHits.push(String(v)); },
  });
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
  });
})();
"""

# Everything a page must not contain, checked in the page itself.
AUDIT = r"""
() => {
  const problems = [];
  const bad = /^(javascript|vbscript|livescript|data:text\/html)/;
  const squeeze = (v) => (v || '').replace(/[\u0000-\u0020\u200b-\u200f\ufeff]/g, '').toLowerCase();
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`${el.tagName.toLowerCase()} has ${name}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'poster', 'background'].includes(name)
          && bad.test(squeeze(attr.value))) {
        problems.push(`${el.tagName.toLowerCase()} ${name}=${attr.value.slice(0, 60)}`);
      }
      if (name === 'style' && /url\(|expression|binding|behavior/i.test(attr.value)) {
        problems.push(`${el.tagName.toLowerCase()} style=${attr.value.slice(0, 60)}`);
      }
    }
  }
  const main = document.querySelector('main') || document.body;
  for (const tag of ['script', 'iframe', 'frame', 'object', 'embed', 'math', 'svg', 'style', 'base', 'meta', 'link', 'applet']) {
    const found = main.querySelectorAll(tag).length;
    if (found) problems.push(`${found} <${tag}> in main`);
  }
  const userText = '.prose, .post__text, .comment__text, .link-card, .poll__question, .poll__label, '
    + '.post-document__name, .post__document-name, .notif';
  for (const box of document.querySelectorAll(userText)) {
    for (const tag of ['form', 'input', 'textarea', 'select', 'button', 'img', 'video', 'audio', 'details', 'marquee']) {
      if (box.matches('.notif') && ['form', 'button', 'input', 'img'].includes(tag)) continue; // its own controls
      const found = box.querySelectorAll(tag).length;
      if (found) problems.push(`${found} <${tag}> inside ${box.className}`);
    }
  }
  return {
    problems,
    hits: window.__xssHits || [],
    csp: window.__cspViolations || [],
    text: document.body.innerText,
  };
}
"""


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 40, 90)).save(out, format="PNG")
    return out.getvalue()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _chunks(texts: list[str], limit: int, sep: str = "\n\n") -> list[str]:
    """Pack texts into as few bodies of at most `limit` characters as possible (in order)."""
    bodies, current = [], ""
    for text in texts:
        candidate = f"{current}{sep}{text}" if current else text
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                bodies.append(current)
            current = text[:limit]
    if current:
        bodies.append(current)
    return bodies


def _distinct_cut(texts: list[str], limit: int) -> list[str]:
    seen, out = set(), []
    for text in texts:
        cut = text[:limit].strip()
        if cut and cut.lower() not in seen:
            seen.add(cut.lower())
            out.append(cut)
    return out


def _build():
    """The hostile author, the viewer (their connection, following the tag), and every payload in
    every field. Returns (author, viewer, posts)."""
    author = member(member__first_name=HOSTILE_FIRST, member__last_name=HOSTILE_LAST, headline=PAYLOADS[0][:100])
    viewer = member(member__first_name="Vera", member__last_name="Viewer", member__language="en")
    connect(author, viewer)
    viewer_uuid = str(viewer.public_id)
    tag_line = f"#{TAG}"
    posts: list[Post] = []

    def publish(**kw):
        body = kw.pop("body", "")
        posts.append(services.post_create(author=author, data=services.PostInput(body=body, **kw)))
        return posts[-1]

    # Post bodies: the corpus packed into as few posts as fit, the long payload alone.
    bodies = [expand(p, uuid=viewer_uuid, limit=POST_MAX_CHARS - 20) for p in PAYLOADS]
    for body in _chunks(bodies, POST_MAX_CHARS - len(tag_line) - 2):
        publish(body=f"{body}\n\n{tag_line}")

    # Comments and replies on the viewer's own post (so the viewer is notified of them too).
    own = services.post_create(author=viewer, data=services.PostInput(body=f"Vera's post {tag_line}"))
    posts.append(own)
    comment_bodies = [expand(p, uuid=viewer_uuid, limit=COMMENT_MAX_CHARS) for p in PAYLOADS]
    tops = [services.comment_create(author=author, post=own, body=b) for b in _chunks(comment_bodies, COMMENT_MAX_CHARS)[:8]]
    for body in comment_bodies:
        services.comment_create(author=author, post=own, body=body, parent=tops[0])
    services.reaction_set(member=author, kind="love", post=own)

    # Image descriptions: nine images a post.
    alts = [" ".join(expand(p, uuid=viewer_uuid, limit=ALT_TEXT_MAX).split())[:ALT_TEXT_MAX] for p in PAYLOADS]
    for start in range(0, len(alts), 9):
        images = [(SimpleUploadedFile(f"i{n}.png", _png(), content_type="image/png"), alt)
                  for n, alt in enumerate(alts[start:start + 9])]
        publish(body=f"Images {start} {tag_line}", images=images)

    # Polls: a question and four options each, as many payloads as fit their limits.
    questions = _distinct_cut([expand(p, uuid=viewer_uuid, limit=POLL_QUESTION_MAX) for p in PAYLOADS], POLL_QUESTION_MAX)
    options = _distinct_cut([expand(p, uuid=viewer_uuid, limit=POLL_OPTION_MAX) for p in PAYLOADS], POLL_OPTION_MAX)
    for n in range(0, min(len(questions), len(options) // 4)):
        publish(body=f"Poll {n} {tag_line}",
                poll=polls.PollInput(question=questions[n], options=options[4 * n:4 * n + 4], duration_days=7))

    # Document titles.
    for n, title in enumerate(_distinct_cut(PAYLOADS, 150)[:12]):
        publish(body=f"Document {n} {tag_line}",
                document=SimpleUploadedFile("file.pdf", _pdf(), content_type="application/pdf"),
                document_title=title)

    # Link previews: title, description and site name from the corpus (as a fetched page
    # could say), attached directly so no network is touched.
    for n in range(0, len(PAYLOADS), 3):
        title, description, site = (PAYLOADS[(n + k) % len(PAYLOADS)] for k in range(3))
        url = f'https://example.org/{n}"onmouseover="window.__xss=1'
        preview = LinkPreview.objects.create(
            url=url, url_hash=hashlib.sha256(url.encode()).hexdigest(), status=LinkPreview.Status.READY,
            # Stored as the fetcher stores metadata: control characters (NUL included) out.
            title=without_nul(title)[:300],
            description=without_nul(description)[:500],
            site_name=without_nul(site)[:100],
        )
        post = publish(body=f"Preview {n} {tag_line}")
        Post.objects.filter(pk=post.pk).update(link_preview=preview)

    services.hashtag_follow(member=viewer, hashtag=_tag())
    return author, viewer, posts


def _tag():
    from maillage.feed.models import Hashtag

    return Hashtag.objects.get(key=TAG)


def _audit(page, where: str, failures: list[str]) -> str:
    result = page.evaluate(AUDIT)
    for problem in result["problems"]:
        failures.append(f"{where}: {problem}")
    for hit in result["hits"]:
        failures.append(f"{where}: window.__xss set ({hit})")
    for violation in result["csp"]:
        failures.append(f"{where}: CSP violation {violation}")
    return result["text"]


def _walk(page, url: str, where: str, failures: list[str], *, max_pages: int = 30) -> str:
    """Open `url` and follow its "more" links; audit every page. Returns all their text."""
    texts = []
    next_url = url
    for number in range(max_pages):
        response = page.goto(next_url)
        assert response is not None and response.status == 200, f"{where} page {number}: {response and response.status}"
        texts.append(_audit(page, f"{where} #{number}", failures))
        link = page.locator(".feed-more a[href*='cursor=']")
        if link.count() == 0:
            break
        next_url = link.first.evaluate("a => a.href")
    return "\n".join(texts)


def test_the_corpus_runs_nowhere(live_server, new_page):
    author, viewer, posts = _build()
    from maillage.feed.models import Comment, Poll, PostImage

    # Every payload reached every field that takes it whole (polls and titles take what fits).
    assert len(PAYLOADS) >= 60
    assert Comment.objects.filter(parent__isnull=False).count() == len(PAYLOADS)
    assert PostImage.objects.count() == len(PAYLOADS)
    assert Poll.objects.count() >= 10
    assert LinkPreview.objects.count() * 3 >= len(PAYLOADS)
    page = new_page(locale="en-US")
    page.context.add_init_script(INIT)
    page.context.add_cookies([logged_in_context_cookie(viewer, live_server.url)])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    console_csp: list[str] = []
    page.on("console", lambda msg: console_csp.append(f"{page.url}: {msg.text[:300]}")
            if "Content Security Policy" in msg.text else None)
    failures: list[str] = []

    # The checker must see what it looks for (a page where we plant each problem ourselves).
    page.goto(f"{live_server.url}{reverse('home')}")
    page.evaluate("""() => { const m = document.querySelector('main'); const d = document.createElement('div');
        d.className = 'prose'; d.innerHTML = '<a href="javascript:x">a</a><b onclick="x">b</b><form></form><svg></svg>';
        m.appendChild(d); window.__xss = 1; }""")
    planted: list[str] = []
    _audit(page, "planted", planted)
    assert any("javascript:x" in p for p in planted), planted
    assert any("has onclick" in p for p in planted), planted
    assert any("<form> inside prose" in p for p in planted), planted
    assert any("<svg> in main" in p for p in planted), planted
    assert any("window.__xss set" in p for p in planted), planted
    # Chromium refuses the planted onclick when it is set, and says so: the CSP listener works.
    assert any("CSP violation script-src-attr" in p for p in planted) and console_csp, (planted, console_csp)
    console_csp.clear()

    # Every post page (comments and replies on the viewer's own post included).
    for post in posts:
        page.goto(f"{live_server.url}{reverse('post', args=[post.public_id])}")
        text = _audit(page, f"post {post.public_id}", failures)
        if post.author_id == viewer.pk:
            assert "Load more comments" in text or "{{ 7*7 }}" in text
    # The home feed, the hashtag page and the notifications, every page of each.
    feed_text = _walk(page, f"{live_server.url}{reverse('home')}", "home feed", failures)
    tag_text = _walk(page, f"{live_server.url}{reverse('hashtag', args=[TAG])}", "hashtag", failures)
    notif_text = _walk(page, f"{live_server.url}{reverse('notifications')}", "notifications", failures)
    # And where hostile names and texts also show: the author's posts and who reacted.
    _walk(page, f"{live_server.url}{reverse('member_posts', args=[author.profile.address])}", "member posts", failures)
    own = next(p for p in posts if p.author_id == viewer.pk)
    reactors = _walk(page, f"{live_server.url}{reverse('post_reactions', args=[own.public_id])}", "reactions", failures)
    assert HOSTILE_FIRST in reactors

    # Template syntax shows as typed; hostile names show as text.
    for literal in LITERAL:
        assert literal in tag_text, literal
    assert HOSTILE_FIRST in feed_text
    assert HOSTILE_FIRST in notif_text
    assert "mentioned you" in notif_text

    assert not (dialogs or console_csp or failures), "\n".join(
        [f"dialog: {d}" for d in dialogs] + [f"console: {c}" for c in console_csp] + failures[:60]
    )

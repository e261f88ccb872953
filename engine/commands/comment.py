"""`costwarden comment github`: post or update the pull-request comment in place.

    costwarden comment github --repo OWNER/NAME --pr N --body-file comment.md
    costwarden comment github --repo OWNER/NAME --pr N --from-plan plan.json [check options]

The token comes from GITHUB_TOKEN only (never an option: it would show in
process lists and shell history); the API base from --api-url or
GITHUB_API_URL, so GitHub Enterprise Server works the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Callable

from ..redact import safe
from ..errors import InputError

# Tests replace this to run retries without waiting.
SLEEP: Callable[[float], None] = time.sleep


def add_parser(sub: argparse._SubParsersAction, formats: Any = None) -> None:
    p = sub.add_parser("comment", help="post or update the cost comment on a pull request")
    hosts = p.add_subparsers(dest="host", metavar="HOST", required=True)
    g = hosts.add_parser("github", help="GitHub or GitHub Enterprise Server pull request")
    g.add_argument("--repo", required=True, metavar="OWNER/NAME")
    g.add_argument("--pr", required=True, type=int, metavar="N", help="pull request number")
    body = g.add_mutually_exclusive_group(required=True)
    body.add_argument("--body-file", metavar="FILE",
                      help="comment body (markdown); '-' reads standard input")
    body.add_argument("--from-plan", metavar="PATH",
                      help="render the body with `check --format markdown` on PATH")
    g.add_argument("--api-url", metavar="URL",
                   help="REST API base (default: $GITHUB_API_URL or https://api.github.com)")
    g.add_argument("--comment-key", metavar="KEY",
                   help="project key in the hidden marker: one comment per key")
    g.add_argument("--fail-on-policy", action="store_true",
                   help="with --from-plan: exit 1 after posting when a blocking policy fails")
    g.add_argument("--debug", action="store_true",
                   help="print each API request (method, path, status) to stderr")
    _add_check_options(g)
    p.set_defaults(run=run)


def _add_check_options(p: argparse.ArgumentParser) -> None:
    from .options import add_checkov_options, add_evaluation_options, add_input_options

    opts = p.add_argument_group("check options (with --from-plan)")
    add_input_options(opts, path=False)
    add_evaluation_options(opts)
    add_checkov_options(opts)


def run(args: argparse.Namespace) -> int:
    from ..integrations.github import DEFAULT_API, GitHub
    from ..integrations.github_wire import check_repo, ensure_marker
    from ..report.markdown import marker

    check_repo(args.repo)
    if args.pr <= 0:
        raise InputError(None, f"--pr {args.pr}: expected a pull request number")
    token = os.environ.get("GITHUB_TOKEN", "")
    api_url = args.api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API
    code = 0
    if args.from_plan:
        from ..report.markdown import render
        from .options import check_from_args

        estimate, result = check_from_args(args, args.from_plan, include_passes=False)
        body = render(estimate, result, comment_key=args.comment_key)
        code = 1 if result.blocking and args.fail_on_policy else 0
    else:
        body = _read_body(args.body_file)
    body = safe(ensure_marker(body, marker(args.comment_key)))
    debug = (lambda line: print(f"costwarden: debug: {line}", file=sys.stderr)) \
        if args.debug else None
    client = GitHub(token, api_url, sleep=lambda s: SLEEP(s), debug=debug,
                    limits=args.settings.limits)
    mark = _marker_of(body)
    outcome = client.upsert_comment(args.repo, args.pr, body, mark)
    where = f" {outcome.url}" if outcome.url else ""  # only an https URL on GitHub's web host
    print(f"costwarden: comment {outcome.comment_id} {outcome.action} on "
          f"{args.repo}#{args.pr}{where}", file=sys.stderr)
    return code


def _marker_of(body: str) -> str:
    from ..integrations.github_wire import marker_in

    found = marker_in(body)
    assert found is not None  # ensure_marker put one there
    return found


def _read_body(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(path, f"cannot read the comment body: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(path, "the comment body is not UTF-8 text") from None

"""Open the image's menu with ``docker run -it`` in a pseudo-terminal, see its first screen, choose Exit.

python tests/docker/menu_pty.py IMAGE     (part of ``make test-docker``)
"""

from __future__ import annotations

import sys

import pexpect

DOWN = "\x1b[B"


def main(image: str) -> int:
    """Return 0 when the menu showed every option and Exit left it with status 0."""
    child = pexpect.spawn(
        "docker", ["run", "-it", "--rm", "--network", "none", "-e", "TERM=xterm", image],
        dimensions=(40, 100), encoding="utf-8", timeout=60,
    )  # fmt: skip
    child.expect("Number Detector")
    child.expect("Exit")
    child.send(DOWN * 6 + "\r")  # Exit is the seventh option
    child.expect("Bye.")
    child.expect(pexpect.EOF)
    child.close()
    if child.exitstatus != 0 or "Traceback" in (child.before or ""):
        print(f"menu left with status {child.exitstatus}: {child.before}")
        return 1
    print("menu shown in a pseudo-terminal, Exit left it with status 0")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

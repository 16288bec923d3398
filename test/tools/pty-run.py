#!/usr/bin/env python3
"""Run a command in a pseudo-terminal and answer its prompts, for the interactive e2e tests.

usage: pty-run.py SCRIPT_JSON -- command args...
SCRIPT_JSON: [[regex, text_to_send], ...]; each regex is awaited (in the output since the previous
answer) before its text is typed. Prints everything the program wrote; exits with its exit code.
"""
import json, os, pty, re, select, sys, time

def main() -> int:
    sep = sys.argv.index("--")
    steps = json.loads(sys.argv[1])
    cmd = sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.environ.pop("CI", None)
        os.execvp(cmd[0], cmd)
    out = b""
    mark = 0
    deadline = time.time() + 60
    step = 0
    while True:
        if time.time() > deadline:
            os.kill(pid, 9)
            sys.stdout.write(out.decode("utf8", "replace"))
            sys.stdout.write(f"\n[pty-run: timed out waiting for step {step}: {steps[step][0] if step < len(steps) else 'exit'}]\n")
            return 124
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            out += data
        if step < len(steps):
            text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out[mark:].decode("utf8", "replace"))
            if re.search(steps[step][0], text):
                time.sleep(0.15)
                os.write(fd, steps[step][1].encode())
                mark = len(out)
                step += 1
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.decode("utf8", "replace")))
    return os.waitstatus_to_exitcode(status)

sys.exit(main())

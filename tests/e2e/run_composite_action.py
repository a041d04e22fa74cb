#!/usr/bin/python3
"""Runs a composite GitHub Action's steps as a runner does, for the tests.

    run_composite_action.py ACTION_DIR WORKDIR INPUT=VALUE...

Reads ACTION_DIR/action.yml, fills each input from the arguments or its
default, and runs the steps in order in WORKDIR: each `run` with `bash
--noprofile --norc -eo pipefail` (the runner's `shell: bash`), with the
step's `env`, after replacing the expressions `${{ inputs.NAME }}`,
`${{ github.action_path }}` and `${{ github.base_ref }}` (from
GITHUB_BASE_REF). Any other expression is an error, so the action cannot
depend on what this runner does not do. A line a step appends to
$GITHUB_PATH goes in front of PATH for the later steps. Stops at the first
step that fails, and exits with its status; prints each step's name as
`== NAME` before its output. RUNNER_TEMP (the test's directory) holds the
GITHUB_PATH file.
"""
import os
import re
import subprocess
import sys

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def main():
    action_dir, workdir = sys.argv[1], sys.argv[2]
    given = dict(arg.split("=", 1) for arg in sys.argv[3:])
    with open(os.path.join(action_dir, "action.yml")) as f:
        action = yaml.safe_load(f)
    assert action["runs"]["using"] == "composite", "not a composite action"
    declared = action.get("inputs", {})
    for name in given:
        if name not in declared:
            sys.exit(f"no input {name} in action.yml")

    def fill(text, inputs):
        def one(match):
            expr = match.group(1)
            if expr.startswith("inputs."):
                return inputs[expr[len("inputs."):]]
            if expr == "github.action_path":
                return action_dir
            if expr == "github.base_ref":
                return os.environ.get("GITHUB_BASE_REF", "")
            sys.exit(f"action.yml uses ${{{{ {expr} }}}}, which this runner does not fill")
        return EXPRESSION.sub(one, str(text))

    inputs = {}
    for name, spec in declared.items():
        if name in given:
            inputs[name] = given[name]
        elif spec.get("required") and "default" not in spec:
            inputs[name] = ""
        else:
            inputs[name] = fill(spec.get("default", ""), {})

    env = dict(os.environ)
    temp = env.get("RUNNER_TEMP") or sys.exit("set RUNNER_TEMP to a directory of the test's")
    env.setdefault("RUNNER_OS", "Linux")
    env.setdefault("RUNNER_ARCH", "X64")
    github_path = os.path.join(temp, "github_path")
    open(github_path, "w").close()
    env["GITHUB_PATH"] = github_path
    for step in action["runs"]["steps"]:
        assert step.get("shell") == "bash", "every step runs in bash"
        print("== " + fill(step.get("name", step["run"]), inputs), flush=True)
        step_env = dict(env)
        for key, value in (step.get("env") or {}).items():
            step_env[key] = fill(value, inputs)
        status = subprocess.call(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", fill(step["run"], inputs)],
            cwd=workdir, env=step_env)
        with open(github_path) as f:
            added = [line.strip() for line in f if line.strip()]
        env["PATH"] = os.pathsep.join(list(reversed(added)) + [os.environ["PATH"]])
        if status != 0:
            sys.exit(status)


if __name__ == "__main__":
    main()

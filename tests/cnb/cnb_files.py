#!/usr/bin/python3
"""The TOML side of the CNB lifecycle harness (tests/cnb/lib.sh).

Reads and checks the files the lifecycle would read, with Debian python3's
tomllib, as the Buildpack API 0.10 spec describes them, and plays the
lifecycle's own file steps (cache restore, launch PATH). Exits 1 with a
message on stderr when a file breaks the spec.

  cnb_files.py buildpack BP_DIR           check buildpack.toml; print "ID VERSION CLEAR_ENV"
  cnb_files.py plan PATH                  check a detect build plan
  cnb_files.py layers LAYERS_DIR          check every <layer>.toml and launch.toml
  cnb_files.py compare LAYERS_DIR YAML    launch.toml processes == bin/release's
                                          default_process_types (order, commands)
  cnb_files.py command LAYERS_DIR TYPE    print the process's command + args, NUL-separated
  cnb_files.py processes LAYERS_DIR       print launch.toml's processes, "TYPE: COMMAND" a line
  cnb_files.py launch-path LAYERS_ROOT    the launch layers' bin dirs, ':'-joined
  cnb_files.py restore LAYERS_DIR         as the lifecycle between builds: keep cache
                                          layers with [types] stripped, drop the rest
"""
import os
import re
import shutil
import sys
import tomllib

FORBIDDEN_LAYERS = {"build", "launch", "store"}
PROCESS_TYPE = re.compile(r"[A-Za-z0-9._-]+")
# heroku/procfile's (and Kubernetes') stricter rule for process types.
HEROKU_PROCESS_TYPE = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def fail(message):
    sys.stderr.write("cnb_files: " + message + "\n")
    sys.exit(1)


def load(path):
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        fail(f"{path}: not valid TOML: {e}")


def check_buildpack(bp_dir):
    doc = load(os.path.join(bp_dir, "buildpack.toml"))
    if doc.get("api") != "0.10":
        fail(f"buildpack.toml: api is {doc.get('api')!r}, expected \"0.10\"")
    bp = doc.get("buildpack") or fail("buildpack.toml: no [buildpack]")
    bp_id, version = bp.get("id", ""), bp.get("version", "")
    if not re.fullmatch(r"[A-Za-z0-9./-]+", bp_id) or bp_id in ("app", "config", "generated", "sbom"):
        fail(f"buildpack.toml: invalid id {bp_id!r}")
    if not re.fullmatch(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", version):
        fail(f"buildpack.toml: version {version!r} is not X.Y.Z")
    if "stacks" in doc:
        fail("buildpack.toml: [[stacks]] is deprecated since API 0.10")
    targets = {(t.get("os"), t.get("arch")) for t in doc.get("targets", [])}
    for needed in (("linux", "amd64"), ("linux", "arm64")):
        if needed not in targets:
            fail(f"buildpack.toml: no [[targets]] {needed[0]}/{needed[1]}")
    for t in doc["targets"]:
        if {"name": "ubuntu", "version": "24.04"} not in t.get("distros", []):
            fail(f"buildpack.toml: target {t.get('arch')} lacks distro ubuntu 24.04")
    for name in ("detect", "build"):
        if not os.access(os.path.join(bp_dir, "bin", name), os.X_OK):
            fail(f"bin/{name} is missing or not executable")
    print(bp_id, version, "true" if bp.get("clear-env", False) else "false")


def check_plan(path):
    doc = load(path)
    extra = set(doc) - {"provides", "requires", "or"}
    if extra:
        fail(f"{path}: unexpected keys {sorted(extra)}")
    for require in doc.get("requires", []):
        if "version" in require:
            fail(f"{path}: a top-level version in [[requires]] is rejected")


def check_launch(path):
    doc = load(path)
    processes = doc.get("processes", [])
    seen, defaults = set(), 0
    for p in processes:
        kind = p.get("type", "")
        if not PROCESS_TYPE.fullmatch(kind) or not HEROKU_PROCESS_TYPE.fullmatch(kind):
            fail(f"{path}: invalid process type {kind!r}")
        if kind in seen:
            fail(f"{path}: process type {kind!r} defined twice")
        seen.add(kind)
        command = p.get("command")
        if not isinstance(command, list) or not command or not all(isinstance(c, str) for c in command):
            fail(f"{path}: {kind}: command must be a non-empty array of strings")
        if "direct" in p:
            fail(f"{path}: {kind}: `direct` is an error since API 0.9")
        defaults += 1 if p.get("default") is True else 0
    if defaults > 1:
        fail(f"{path}: {defaults} processes are default (at most one)")
    return processes


def check_layers(layers_dir):
    for name in sorted(os.listdir(layers_dir)):
        path = os.path.join(layers_dir, name)
        if name == "launch.toml":
            check_launch(path)
        elif name in ("build.toml", "store.toml"):
            load(path)
        elif name.endswith(".toml"):
            layer = name[: -len(".toml")]
            if layer in FORBIDDEN_LAYERS:
                fail(f"{path}: layer name {layer!r} is forbidden")
            types = load(path).get("types")
            if not isinstance(types, dict) or not all(isinstance(v, bool) for v in types.values()):
                fail(f"{path}: no [types] table of booleans")
            if not os.path.isdir(os.path.join(layers_dir, layer)):
                fail(f"{path}: no layer directory {layer}/")


def launch_processes(layers_dir):
    return check_launch(os.path.join(layers_dir, "launch.toml"))


def compare(layers_dir, yaml_path):
    import yaml  # Debian's python3-yaml
    with open(yaml_path) as f:
        cedar = yaml.safe_load(f)["default_process_types"]
    fir = {}
    for p in launch_processes(layers_dir):
        argv = p["command"] + p.get("args", [])
        if argv[:2] != ["bash", "-c"] or len(argv) != 3:
            fail(f"{p['type']}: command {argv!r} is not bash -c COMMAND")
        fir[p["type"]] = argv[2]
    if list(fir.items()) != list(cedar.items()):
        fail(f"Fir processes {fir!r} differ from Cedar's {cedar!r}")
    web_default = [p["type"] for p in launch_processes(layers_dir) if p.get("default")]
    expected_default = ["web"] if "web" in fir else (list(fir) if len(fir) == 1 else [])
    if web_default != expected_default:
        fail(f"default process {web_default!r}, expected {expected_default!r}")


def command(layers_dir, kind):
    for p in launch_processes(layers_dir):
        if p["type"] == kind:
            sys.stdout.write("\0".join(p["command"] + p.get("args", [])) + "\0")
            return
    fail(f"no process type {kind!r} in launch.toml")


def processes(layers_dir):
    for p in launch_processes(layers_dir):
        argv = p["command"] + p.get("args", [])
        shown = argv[2] if argv[:2] == ["bash", "-c"] and len(argv) == 3 else " ".join(argv)
        print(f"{p['type']}: {shown}" + (" (default)" if p.get("default") else ""))


def launch_path(layers_root):
    dirs = []
    for bp in sorted(os.listdir(layers_root)):
        bp_dir = os.path.join(layers_root, bp)
        for name in sorted(os.listdir(bp_dir)) if os.path.isdir(bp_dir) else []:
            if name.endswith(".toml") and name not in ("launch.toml", "build.toml", "store.toml"):
                layer = os.path.join(bp_dir, name[: -len(".toml")])
                if load(os.path.join(bp_dir, name)).get("types", {}).get("launch"):
                    for env in ("env", "env.launch"):
                        if os.path.exists(os.path.join(layer, env)):
                            fail(f"{layer}/{env}: env files are not simulated by this harness")
                    dirs.append(os.path.join(layer, "bin"))
    print(":".join(dirs))


def restore(layers_dir):
    for name in sorted(os.listdir(layers_dir)):
        path = os.path.join(layers_dir, name)
        if not name.endswith(".toml"):
            continue
        layer = os.path.join(layers_dir, name[: -len(".toml")])
        doc = load(path)
        if name not in ("launch.toml", "build.toml", "store.toml") and doc.get("types", {}).get("cache"):
            # Restored without [types]: the buildpack must set them again.
            with open(path, "w") as f:
                f.write("# restored by the harness: [metadata] only\n")
            continue
        os.remove(path)
        shutil.rmtree(layer, ignore_errors=True)
    for name in os.listdir(layers_dir):
        path = os.path.join(layers_dir, name)
        if os.path.isdir(path) and not os.path.exists(path + ".toml"):
            shutil.rmtree(path)


def main(argv):
    commands = {
        "buildpack": check_buildpack, "plan": check_plan, "layers": check_layers,
        "compare": compare, "command": command, "processes": processes,
        "launch-path": launch_path,
        "restore": restore,
    }
    if len(argv) < 2 or argv[1] not in commands:
        fail("usage: " + __doc__)
    commands[argv[1]](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)

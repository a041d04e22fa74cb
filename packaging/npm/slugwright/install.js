// slugwright's postinstall step, an optimisation only: under npm it puts the
// platform package's binary in place of the JavaScript launcher
// bin/slugwright (which node_modules/.bin/slugwright links to), so a call
// costs no Node start-up. It downloads nothing. It leaves the launcher as it
// is, and the install still succeeds, whenever anything is off: not npm
// (pnpm's and yarn's bin shims run this file with node), no platform
// package for this machine, or a binary that does not run here (an
// `npm install --cpu=arm64` on an x64 machine). Installs with
// --ignore-scripts never run this and keep the launcher.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

function optimise() {
  if (!(process.env.npm_config_user_agent || "").startsWith("npm/")) return "not installed by npm";
  let binary;
  try {
    binary = require.resolve(`@slugwright/${process.platform}-${process.arch}/bin/slugwright`);
  } catch {
    return `no @slugwright/${process.platform}-${process.arch} package`;
  }
  const launcher = path.join(__dirname, "bin", "slugwright");
  const temporary = `${launcher}.install-${process.pid}`;
  try {
    try {
      fs.linkSync(binary, temporary);
    } catch {
      fs.copyFileSync(binary, temporary);
    }
    fs.chmodSync(temporary, 0o755);
    // Only a binary that runs and says it is slugwright replaces the launcher.
    const version = execFileSync(temporary, ["--version"], { encoding: "utf8", timeout: 10000 });
    if (!version.startsWith("slugwright ")) throw new Error(`unexpected --version output: ${version}`);
    fs.renameSync(temporary, launcher);
    return "";
  } catch (error) {
    try { fs.unlinkSync(temporary); } catch {}
    return error.message;
  }
}

const why = optimise();
if (why && process.env.SLUGWRIGHT_INSTALL_DEBUG) {
  process.stderr.write(`slugwright: keeping the JavaScript launcher (${why})\n`);
}

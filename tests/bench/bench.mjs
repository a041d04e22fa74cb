// tests/bench/bench.mjs: the benchmark driver behind tests/bench/run, which
// installs what it needs and passes these environment variables:
//   BENCH_ROOT       the repository
//   BENCH_MEASURE    the measure helper (measure.c)
//   BENCH_TOOLS      the npm folder holding dbmate, node-pg-migrate, sequelize-cli
//   BENCH_PG_BIN     the PostgreSQL server binaries (initdb, pg_ctl, psql)
//   SLUGWRIGHT_BIN   the Release build of slugwright
// Options: see usage() below.
//
// It starts one throwaway PostgreSQL cluster (fsync on), generates the
// migration set in each tool's layout from the same SQL, and runs the
// phases round by round, the tools of a phase one after another in an order
// that rotates every round, each on a fresh database. Every number in the
// report comes from this run.

import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const PHASES = ["apply", "noop", "noop-big", "contention", "compile", "rehearse", "launcher", "lint", "command-noop"];
const COMMAND_MIGRATIONS = 550; // Common's sequelize migrations
const CONTENTION_MIGRATIONS = 200;
const CONTENTION_RUNS = 8;
const DB_USER = "bench";

function usage() {
  return `usage: tests/bench/run [--n N] [--big N] [--rounds R] [--rehearse-orders N] [--lint-files N] [--only PHASES] [--tools TOOLS]
                       [--no-results] [--keep-work] [--generate DIR]
  --n N          migrations in the apply and no-op set (default 1000)
  --big N        migrations in the noop-big set (default 10000), applied once
                 per tool before the rounds
  --rounds R     rounds; the median is reported (default 5)
  --only PHASES  comma-separated subset of ${PHASES.join(",")} (default: all)
  --tools TOOLS  comma-separated subset of psql, slugwright, slugwright-dist,
                 slugwright-all, dbmate, node-pg-migrate, node-pg-migrate-each,
                 sequelize-cli for apply and no-op (default: all; slugwright-dist,
                 the packaged buildpack's binary, only when there is one)
  --rehearse-orders N  rows of the rehearse source's orders table (default
                 1000000: about 120 MB with its indexes and two smaller tables)
  --lint-files N migration files the lint phase lints (default 10000)
  --no-results   print the table but leave tests/bench/results.md alone
  --keep-work    keep the generated migrations in tests/bench/work/
  --generate DIR only write the N migrations in every tool's layout into DIR
                 (for profiling by hand) and exit`;
}

// ---------------------------------------------------------------- options

function parseOptions(argv) {
  const o = { n: 1000, big: 10000, rehearseOrders: 1000000, lintFiles: 10000, rounds: 5, only: [...PHASES], tools: null, results: true, keepWork: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value\n${usage()}`);
      return argv[++i];
    };
    const positive = (v) => {
      if (!/^[1-9][0-9]*$/.test(v)) fail(`${a} needs a positive whole number, not \`${v}\``);
      return Number(v);
    };
    if (a === "--n") o.n = positive(value());
    else if (a === "--big") o.big = positive(value());
    else if (a === "--rounds") o.rounds = positive(value());
    else if (a === "--rehearse-orders") o.rehearseOrders = positive(value());
    else if (a === "--lint-files") o.lintFiles = positive(value());
    else if (a === "--only") o.only = value().split(",").filter(Boolean);
    else if (a === "--tools") o.tools = value().split(",").filter(Boolean);
    else if (a === "--no-results") o.results = false;
    else if (a === "--keep-work") o.keepWork = true;
    else if (a === "--generate") o.generate = value();
    else if (a === "-h" || a === "--help") {
      console.log(usage());
      process.exit(0);
    } else fail(`unknown option ${a}\n${usage()}`);
  }
  for (const p of o.only) if (!PHASES.includes(p)) fail(`unknown phase ${p}; phases: ${PHASES.join(",")}`);
  return o;
}

function fail(message) {
  console.error(`tests/bench/run: ${message}`);
  process.exit(2);
}

function log(message) {
  console.log(`-----> ${message}`);
}

// ---------------------------------------------------------------- environment

const env = (name) => process.env[name] || fail(`${name} is not set; run tests/bench/run`);
const ROOT = env("BENCH_ROOT");
const MEASURE = env("BENCH_MEASURE");
const TOOLS = env("BENCH_TOOLS");
const PG_BIN = env("BENCH_PG_BIN");
const SLUGWRIGHT = env("SLUGWRIGHT_BIN");
// The packaged buildpack (tools/package-buildpack), when there is one:
// { dir: its root, whose bin/compile finds dist/slugwright; bin; source }.
let PACKAGED = null;
const BENCH_DIR = path.join(ROOT, "tests", "bench");
const DBMATE = path.join(TOOLS, "node_modules", "@dbmate", "linux-x64", "bin", "dbmate");
const DBMATE_NPM = path.join(TOOLS, "node_modules", "dbmate", "dist", "cli.js");
const NODE_PG_MIGRATE = path.join(TOOLS, "node_modules", "node-pg-migrate", "bin", "node-pg-migrate.js");
const SEQUELIZE_CLI = path.join(TOOLS, "node_modules", "sequelize-cli", "lib", "sequelize");
// squawk's native binary, and the command `npm install squawk-cli` puts on
// the PATH (a Node.js launcher that spawns it).
const SQUAWK = path.join(TOOLS, "node_modules", "@squawk-cli", "linux-x64", "bin", "squawk");
const SQUAWK_NPM = path.join(TOOLS, "node_modules", ".bin", "squawk");

// A child ended by a signal: the run was interrupted (Ctrl-C reaches the
// whole foreground process group).
class Interrupted extends Error {}

function run(file, args, options = {}) {
  const r = spawnSync(file, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
  if (r.error) throw r.error;
  if (r.signal) throw new Interrupted(r.signal);
  if (r.status !== 0) {
    throw new Error(`${file} ${args.join(" ")} exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

// ---------------------------------------------------------------- PostgreSQL

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// One PostgreSQL cluster in a temporary directory, fsync on, listening on
// 127.0.0.1 (scram-sha-256 password, as Heroku's DATABASE_URL has one) and on
// a private unix socket (trust, for setup queries). Under root, initdb and
// the server run as `postgres`, which PostgreSQL requires.
class Cluster {
  async start() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "slugwright-bench-"));
    this.password = crypto.randomBytes(18).toString("hex");
    this.socketDir = path.join(this.dir, "socket");
    this.data = path.join(this.dir, "data");
    this.log = path.join(this.dir, "server.log");
    fs.mkdirSync(this.socketDir);
    fs.writeFileSync(path.join(this.dir, "pwfile"), this.password + "\n");
    this.asPostgres = process.getuid() === 0;
    if (this.asPostgres) run("chown", ["-R", "postgres:postgres", this.dir]);
    this.server(["initdb", "-D", this.data, "-U", DB_USER, `--pwfile=${path.join(this.dir, "pwfile")}`,
      "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
    this.port = await freePort();
    // A self-signed certificate, for the SSL row (sslmode=require: encrypted,
    // the certificate not verified). Every other row asks for sslmode=disable.
    run("openssl", ["req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=127.0.0.1",
      "-newkey", "rsa:2048", "-keyout", path.join(this.data, "server.key"),
      "-out", path.join(this.data, "server.crt")]);
    fs.chmodSync(path.join(this.data, "server.key"), 0o600);
    if (this.asPostgres) {
      run("chown", ["postgres:postgres", path.join(this.data, "server.key"), path.join(this.data, "server.crt")]);
    }
    fs.appendFileSync(path.join(this.data, "postgresql.conf"), [
      "",
      "# tests/bench/run",
      "listen_addresses = '127.0.0.1'",
      `port = ${this.port}`,
      `unix_socket_directories = '${this.socketDir}'`,
      "fsync = on",
      "synchronous_commit = on",
      "full_page_writes = on",
      "max_connections = 100",
      // noop-big fills its database in one transaction: 10,000 tables with
      // their indexes and sequences hold about 40,000 locks.
      "max_locks_per_transaction = 1024",
      "ssl = on",
      "ssl_cert_file = 'server.crt'",
      "ssl_key_file = 'server.key'",
      "",
    ].join("\n"));
    // detached: a Ctrl-C in the terminal reaches us, not the server; we stop it.
    this.server(["pg_ctl", "-D", this.data, "-l", this.log, "-w", "-t", "60", "start"], { detached: true });
    this.running = true;
  }

  server(argv, options = {}) {
    const [program, ...args] = argv;
    const file = path.join(PG_BIN, program);
    if (this.asPostgres) return run("runuser", ["-u", "postgres", "--", file, ...args], { cwd: this.dir, ...options });
    return run(file, args, { cwd: this.dir, ...options });
  }

  // The server speaks SSL: every URL says whether to use it.
  url(db, { ssl = false } = {}) {
    return `postgres://${DB_USER}:${this.password}@127.0.0.1:${this.port}/${db}` +
      `?sslmode=${ssl ? "require" : "disable"}`;
  }

  // Runs SQL over the unix socket as the superuser; returns psql's unaligned output.
  sql(db, sql) {
    return run(path.join(PG_BIN, "psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
      "-h", this.socketDir, "-p", String(this.port), "-U", DB_USER, "-d", db, "-c", sql]).trim();
  }

  createDatabase(db) {
    this.sql("postgres", `DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    this.sql("postgres", `CREATE DATABASE "${db}"`);
    return this.url(db);
  }

  // Before each measurement: flushes PostgreSQL's dirty buffers so that no
  // checkpoint lands inside it, then the kernel's dirty pages (the files of
  // dropped databases, the generated migrations) so that their writeback
  // does not slow the measured commits.
  settle() {
    this.sql("postgres", "CHECKPOINT");
    run("sync", []);
  }

  version() {
    return this.sql("postgres", "SHOW server_version");
  }

  stop() {
    if (!this.dir) return;
    if (this.running) {
      try {
        this.server(["pg_ctl", "-D", this.data, "-m", "fast", "-w", "stop"]);
      } catch (e) {
        console.error(`tests/bench/run: stopping the cluster: ${e.message}`);
      }
      this.running = false;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

// ---------------------------------------------------------------- migrations

const pad = (i) => String(i).padStart(4, "0");

// Migration i (1-based) creates a table, an index and a row; every tenth also
// adds a column to the table created five migrations earlier.
function migration(i) {
  const t = `bench_${pad(i)}`;
  // Versions are UTC timestamps one minute apart, the way dbmate names files.
  const when = new Date(Date.UTC(2024, 0, 1) + i * 60_000);
  const version = when.toISOString().replace(/[-T:]/g, "").slice(0, 14);
  const up = [
    `CREATE TABLE ${t} (`,
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,",
    "  account_id bigint NOT NULL,",
    "  name text NOT NULL,",
    "  created_at timestamptz NOT NULL DEFAULT now()",
    ");",
    `CREATE INDEX ${t}_account_idx ON ${t} (account_id, created_at);`,
    `INSERT INTO ${t} (account_id, name) VALUES (${i}, 'created by migration ${i}');`,
  ];
  const down = [`DROP TABLE ${t};`];
  if (i % 10 === 0) {
    const earlier = `bench_${pad(i - 5)}`;
    up.push(`ALTER TABLE ${earlier} ADD COLUMN note_${pad(i)} text;`);
    down.unshift(`ALTER TABLE ${earlier} DROP COLUMN note_${pad(i)};`);
  }
  return { version, name: `create_${t}`, up: up.join("\n"), down: down.join("\n") };
}

// Writes the first `count` migrations in every tool's layout under `dir`.
function generate(dir, count) {
  fs.rmSync(dir, { recursive: true, force: true });
  const d = {
    dbmate: path.join(dir, "dbmate"), // dbmate and slugwright read the same files
    npm: path.join(dir, "node-pg-migrate"),
    seq: path.join(dir, "sequelize", "migrations"),
    psql: path.join(dir, "psql.sql"),
  };
  for (const p of [d.dbmate, d.npm, d.seq]) fs.mkdirSync(p, { recursive: true });
  const psql = [];
  for (let i = 1; i <= count; i++) {
    const m = migration(i);
    fs.writeFileSync(path.join(d.dbmate, `${m.version}_${m.name}.sql`),
      `-- migrate:up\n${m.up}\n\n-- migrate:down\n${m.down}\n`);
    fs.writeFileSync(path.join(d.npm, `${m.version}_${m.name}.sql`),
      `-- Up Migration\n${m.up}\n\n-- Down Migration\n${m.down}\n`);
    fs.writeFileSync(path.join(d.seq, `${m.version}-${m.name.replace(/_/g, "-")}.js`),
      `"use strict";\n\n/** @type {import('sequelize-cli').Migration} */\nmodule.exports = {\n` +
      `  async up(queryInterface) {\n    await queryInterface.sequelize.query(${JSON.stringify(m.up)});\n  },\n` +
      `  async down(queryInterface) {\n    await queryInterface.sequelize.query(${JSON.stringify(m.down)});\n  },\n};\n`);
    psql.push(`BEGIN;\n${m.up}\nCOMMIT;\n`);
  }
  fs.writeFileSync(path.join(dir, "sequelize", "config.js"),
    `module.exports = { bench: { use_env_variable: "DATABASE_URL", dialect: "postgres" } };\n`);
  fs.writeFileSync(d.psql, psql.join(""));
  return d;
}

// ---------------------------------------------------------------- tools

// How each tool applies the set, how its no-op run looks, and which table
// records what it applied. cwd is where the command runs.
function applyTools(layout, emptyDir, options) {
  const slugwrightTool = (id, bin) => {
    const tool = {
      id, label: id === "slugwright" ? "slugwright" : "slugwright, packaged (dist/slugwright)",
      cmd: [bin, "migrate", "up", "--dir", layout.dbmate], cwd: emptyDir,
      history: "slugwright_migrations",
    };
    // The no-op as a slug runs it: beside the migrations manifest that
    // bin/compile writes (here `slugwright migrate manifest`, in the app
    // root the run starts in), which spares reading the applied files.
    const app = path.join(path.dirname(layout.dbmate), `manifest-app-${id}`);
    fs.mkdirSync(app, { recursive: true });
    run(bin, ["migrate", "manifest", "--dir", layout.dbmate], { cwd: app });
    tool.extraNoop = [{ id: `${id}-manifest`, label: `${tool.label} with the migrations manifest (as in a slug)`,
      cmd: tool.cmd, cwd: app }];
    return tool;
  };
  const all = [
    { id: "psql", label: "psql, 1 tx per migration (floor)", floor: true, noopFloor: false,
      cmd: [path.join(PG_BIN, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", layout.psql],
      urlArg: true, cwd: emptyDir,
      noopCmd: [path.join(PG_BIN, "psql"), "-X", "-q", "-c", "SELECT 1"], noopLabel: "psql, connect + SELECT 1" },
    // The no-op's floor: connect + SELECT 1 from a small C program
    // (libpq_floor.c), without psql's own start-up.
    { id: "libpq", label: "libpq, connect + SELECT 1 (a C program; floor)", floor: true, noopOnly: true,
      noopCmd: [libpqFloor()], cwd: emptyDir },
    slugwrightTool("slugwright", SLUGWRIGHT),
    PACKAGED ? slugwrightTool("slugwright-dist", PACKAGED.bin) : null,
    // Like for like with node-pg-migrate's default (apply only; a no-op run is the same).
    { id: "slugwright-all", label: "slugwright --transaction all (one batch transaction)", applyOnly: true,
      cmd: [SLUGWRIGHT, "migrate", "up", "--transaction", "all", "--dir", layout.dbmate], cwd: emptyDir,
      history: "slugwright_migrations" },
    { id: "dbmate", label: "dbmate 2.36.0",
      cmd: [DBMATE, "--migrations-dir", layout.dbmate, "--no-dump-schema", "migrate"], cwd: emptyDir,
      history: "schema_migrations",
      // What `npm install dbmate` users run: a Node.js launcher that spawns the binary.
      extraNoop: [
        { id: "dbmate-npm", label: "dbmate 2.36.0 via its npm launcher",
          cmd: [process.execPath, DBMATE_NPM, "--migrations-dir", layout.dbmate, "--no-dump-schema", "migrate"] },
        // dbmate's default: after every run, also a no-op, pg_dump writes ./db/schema.sql.
        { id: "dbmate-dump", label: "dbmate 2.36.0 with its default schema dump (pg_dump)",
          cmd: [DBMATE, "--migrations-dir", layout.dbmate, "migrate"], cwd: path.join(emptyDir, "..", "dbmate-cwd") },
      ] },
    { id: "node-pg-migrate", label: "node-pg-migrate 9.0.0",
      cmd: [process.execPath, NODE_PG_MIGRATE, "up", "-m", layout.npm], cwd: emptyDir,
      history: "pgmigrations" },
    // Like for like with slugwright's default (apply only).
    { id: "node-pg-migrate-each", label: "node-pg-migrate --no-single-transaction (1 tx per migration)",
      applyOnly: true, history: "pgmigrations",
      cmd: [process.execPath, NODE_PG_MIGRATE, "up", "--no-single-transaction", "-m", layout.npm], cwd: emptyDir },
    { id: "sequelize-cli", label: "sequelize-cli 6.6.5",
      cmd: [process.execPath, SEQUELIZE_CLI, "db:migrate", "--env", "bench",
        "--config", path.join(path.dirname(layout.seq), "config.js"), "--migrations-path", layout.seq],
      cwd: TOOLS, history: '"SequelizeMeta"' },
  ].filter(Boolean);
  if (!options.tools) return all;
  for (const id of options.tools) {
    if (!all.some((t) => t.id === id)) fail(`unknown or unavailable tool ${id}`);
  }
  return all.filter((t) => options.tools.includes(t.id));
}

// ---------------------------------------------------------------- measuring

const samples = new Map(); // "phase/tool" -> { phase, label, floor, tool, wall: [], rss: [], cpu: [] }
const loadSamples = [];
let logFile;

function record(key, info, m) {
  if (!samples.has(key)) samples.set(key, { ...info, wall: [], rss: [], cpu: [] });
  const s = samples.get(key);
  s.wall.push(m.wall_ms);
  s.rss.push(m.max_rss_kb);
  s.cpu.push(m.cpu_ms);
}

function sampleLoad() {
  loadSamples.push(Number(fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0]));
}

// What else uses the CPU: sampled for one second before each round, while
// the benchmark itself is idle (the busy share of all cores, and which
// compilers or test runners are running).
const backgroundSamples = [];
function cpuTimes() {
  const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}
function busyProcessNames() {
  const names = new Set();
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(pid)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      if (/^(cc1plus|cc1|clang.*|ld|ld\.gold|lld|ninja|make|cmake|ctest|.*_test|fuzz_.*)$/.test(comm)) names.add(comm);
    } catch {
      // gone already
    }
  }
  return [...names].sort();
}
function sampleBackground() {
  const a = cpuTimes();
  const until = Date.now() + 1000;
  while (Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  const b = cpuTimes();
  const busy = 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
  backgroundSamples.push({ busy, names: busyProcessNames() });
}

// Runs cmd (count copies released together) through the measure helper.
function measure(cmd, { cwd, env: extraEnv = {}, count = 1, what, exitCodes = [0] }) {
  sampleLoad();
  fs.appendFileSync(logFile, `\n===== ${what}: ${cmd.join(" ")}\n`);
  const out = run(MEASURE, ["-n", String(count), "-l", logFile, "-C", cwd, "--", ...cmd],
    { env: { ...process.env, ...extraEnv } });
  const m = JSON.parse(out);
  const bad = m.exit.filter((code) => !exitCodes.includes(code));
  if (bad.length) {
    const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
    throw new Error(`${what} failed (exit ${m.exit.join(",")}); the end of ${logFile}:\n${tail}`);
  }
  return m;
}

function rotate(list, by) {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

function urlEnv(tool, url) {
  return { DATABASE_URL: url };
}

function commandWithUrl(tool, cmd, url) {
  return tool.urlArg ? [...cmd, "-d", url] : cmd;
}

function countBenchTables(cluster, db) {
  return Number(cluster.sql(db, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'bench\\_%'"));
}

function expectApplied(cluster, db, tool, n, what) {
  const tables = countBenchTables(cluster, db);
  if (tables !== n) throw new Error(`${what}: ${tables} bench tables, expected ${n}`);
  if (tool.history) {
    const rows = Number(cluster.sql(db, `SELECT count(*) FROM ${tool.history}`));
    if (rows !== n) throw new Error(`${what}: ${rows} rows in ${tool.history}, expected ${n}`);
  }
}

// ---------------------------------------------------------------- phases

function benchApplyAndNoop(cluster, tools, options, round, emptyDir) {
  const n = options.n;
  const doApply = options.only.includes("apply");
  const doNoop = options.only.includes("noop");
  const order = rotate(tools, round);
  const dbs = new Map();
  for (const tool of order.filter((t) => doApply || !t.applyOnly)) {
    const db = `apply_${tool.id.replace(/-/g, "_")}_r${round}`;
    const url = cluster.createDatabase(db);
    dbs.set(tool.id, { db, url });
    if (tool.noopOnly) continue;
    cluster.settle();
    const what = `apply ${tool.id} round ${round + 1}`;
    const m = measure(commandWithUrl(tool, tool.cmd, url), { cwd: tool.cwd, env: urlEnv(tool, url), what });
    expectApplied(cluster, db, tool, n, what);
    if (doApply) {
      record(`apply/${tool.id}`, { phase: "apply", label: tool.label, floor: !!tool.floor, tool: tool.id }, m);
      console.log(`       ${what}: ${fmtMs(m.wall_ms)}, ${fmtKb(m.max_rss_kb)}`);
    }
  }
  if (doNoop) {
    for (const tool of order.filter((t) => !t.applyOnly)) {
      const { db, url } = dbs.get(tool.id);
      cluster.settle();
      const what = `no-op ${tool.id} round ${round + 1}`;
      const cmd = tool.noopCmd || tool.cmd;
      const m = measure(commandWithUrl(tool, cmd, url), { cwd: tool.cwd, env: urlEnv(tool, url), what });
      if (!tool.noopOnly) expectApplied(cluster, db, tool, n, what);
      record(`noop/${tool.id}`, { phase: "no-op", label: tool.noopLabel || tool.label, floor: noopFloor(tool), tool: tool.id }, m);
      console.log(`       ${what}: ${fmtMs(m.wall_ms)}, ${fmtKb(m.max_rss_kb)}`);
      if (SSL_TOOLS.includes(tool.id)) {
        cluster.settle();
        const whatSsl = `no-op over SSL ${tool.id} round ${round + 1}`;
        const sslUrl = cluster.url(db, { ssl: true });
        const e = measure(commandWithUrl(tool, cmd, sslUrl), { cwd: tool.cwd, env: urlEnv(tool, sslUrl), what: whatSsl });
        record(`noop-ssl/${tool.id}`, { phase: "no-op, SSL", label: (tool.noopLabel || tool.label) +
          " (sslmode=require)", floor: noopFloor(tool), tool: tool.id }, e);
        console.log(`       ${whatSsl}: ${fmtMs(e.wall_ms)}, ${fmtKb(e.max_rss_kb)}`);
      }
      for (const extra of tool.extraNoop || []) {
        cluster.settle();
        const whatExtra = `no-op ${extra.id} round ${round + 1}`;
        const cwd = extra.cwd || tool.cwd;
        fs.mkdirSync(cwd, { recursive: true });
        const e = measure(extra.cmd, { cwd, env: urlEnv(tool, url), what: whatExtra });
        expectApplied(cluster, db, tool, n, whatExtra);
        record(`noop/${extra.id}`, { phase: "no-op", label: extra.label, floor: false, tool: extra.id }, e);
        console.log(`       ${whatExtra}: ${fmtMs(e.wall_ms)}, ${fmtKb(e.max_rss_kb)}`);
      }
    }
  }
  // The databases stay until the cluster is removed: the first commits after
  // a DROP DATABASE (tens of thousands of files unlinked) were measured 1–1.4 s
  // slower over 1,000 migrations, even after CHECKPOINT and sync. That costs
  // disk instead: about 75 MB per database at N=1000.
}

// The tools of the SSL and noop-big rows: the floors, slugwright and the
// lean dbmate.
const SSL_TOOLS = ["libpq", "psql", "slugwright", "slugwright-dist", "dbmate"];

// Whether a tool's no-op row is its phase's floor (libpq's; psql's only
// for applying).
function noopFloor(tool) {
  return tool.noopFloor ?? !!tool.floor;
}

// libpq_floor.c, compiled once per run into the work directory.
let libpqFloorBinary = null;
function libpqFloor() {
  if (libpqFloorBinary) return libpqFloorBinary;
  const out = path.join(BENCH_DIR, "work", "libpq_floor");
  const include = run("pg_config", ["--includedir"]).trim();
  run("cc", ["-O2", "-o", out, path.join(BENCH_DIR, "libpq_floor.c"), `-I${include}`, "-lpq"]);
  libpqFloorBinary = out;
  return out;
}

// noop-big: one database per tool holding the whole big set as applied,
// filled once before the rounds (not measured): slugwright in one
// transaction (both binaries share a database: same history table), dbmate
// by writing its schema_migrations rows (its no-op reads only them and the
// file names), psql needs none.
function prepareBig(cluster, options, workDir, emptyDir) {
  log(`Generating ${options.big} migrations for noop-big and applying them once`);
  const layout = generate(path.join(workDir, "big-set"), options.big);
  const big = [];
  for (const tool of applyTools(layout, emptyDir, options).filter((t) => SSL_TOOLS.includes(t.id))) {
    const db = tool.id.startsWith("slugwright") ? "big_slugwright" : `big_${tool.id}`;
    const url = cluster.url(db);
    if (!big.some((b) => b.db === db)) {
      cluster.createDatabase(db);
      const started = Date.now();
      if (tool.id.startsWith("slugwright")) {
        run(SLUGWRIGHT, ["migrate", "up", "--transaction", "all", "--dir", layout.dbmate],
          { env: { ...process.env, DATABASE_URL: url }, cwd: tool.cwd });
      } else if (tool.id === "dbmate") {
        // The versions of migration(i): one minute apart from 2024-01-01 (a
        // list of 10,000 literals would pass the 128 KiB limit of one argument).
        cluster.sql(db, "CREATE TABLE public.schema_migrations (version varchar(128) PRIMARY KEY);" +
          "INSERT INTO public.schema_migrations SELECT to_char(timestamp '2024-01-01' + i * interval " +
          `'1 minute', 'YYYYMMDDHH24MISS') FROM generate_series(1, ${options.big}) i`);
      }
      log(`  ${db} ready in ${fmtMs(Date.now() - started)}`);
    }
    const cmd = tool.noopCmd || tool.cmd;
    big.push({ tool, db, url, cmd });
    for (const extra of tool.id.startsWith("slugwright") ? tool.extraNoop || [] : [])
      big.push({ tool: { ...tool, id: extra.id, label: extra.label, cwd: extra.cwd }, db, url, cmd: extra.cmd });
  }
  return big;
}

function benchBig(cluster, big, options, round) {
  for (const { tool, db, url, cmd } of rotate(big, round)) {
    cluster.settle();
    const what = `no-op over ${options.big} ${tool.id} round ${round + 1}`;
    const m = measure(commandWithUrl(tool, cmd, url), { cwd: tool.cwd, env: urlEnv(tool, url), what });
    record(`noop-big/${tool.id}`, { phase: `no-op, ${options.big}`, label: (tool.noopLabel || tool.label),
      floor: noopFloor(tool), tool: tool.id }, m);
    console.log(`       ${what}: ${fmtMs(m.wall_ms)}, ${fmtKb(m.max_rss_kb)} (${db})`);
  }
}

function benchContention(cluster, layout, round, emptyDir) {
  const variants = [
    { id: "single", label: `slugwright release, 1 run (${CONTENTION_MIGRATIONS} pending)`, count: 1, floor: true },
    { id: "eight", label: `slugwright release, ${CONTENTION_RUNS} runs at once`, count: CONTENTION_RUNS },
    // One commit deployed by 8 services: one executes, 7 share its outcome
    // through the release ledger (docs/platforms.md).
    { id: "commit", label: `slugwright release, ${CONTENTION_RUNS} services of one commit`, count: CONTENTION_RUNS,
      env: { SLUGWRIGHT_COMMIT: `bench-commit-r${round}` } },
    // What the release ledger costs one service alone (its own connection,
    // creating the ledger table, the row and the NOTIFY), so the row above
    // splits into the ledger's cost and the waiters'.
    { id: "commit-one", label: "slugwright release, 1 service of a commit", count: 1,
      env: { SLUGWRIGHT_COMMIT: `bench-commit-one-r${round}` } },
  ];
  for (const v of rotate(variants, round)) {
    const db = `contention_${v.id}_r${round}`;
    const url = cluster.createDatabase(db);
    cluster.settle();
    const what = `contention ${v.id} round ${round + 1}`;
    const m = measure([SLUGWRIGHT, "release", "--dir", layout.dbmate, "--lock-wait", "10m"],
      { cwd: emptyDir, env: { DATABASE_URL: url, ...(v.env || {}) }, count: v.count, what });
    // Each migration applied once: one history row, one `applied` event and
    // one table per migration, whichever run applied it.
    const check = cluster.sql(db, [
      "SELECT (SELECT count(*) FROM slugwright_migrations WHERE state = 'applied')",
      "  || ' ' || (SELECT count(DISTINCT version) FROM slugwright_migrations)",
      "  || ' ' || (SELECT count(*) FROM slugwright_migrations_events WHERE event = 'applied')",
      "  || ' ' || (SELECT count(DISTINCT version) FROM slugwright_migrations_events WHERE event = 'applied')",
      "  || ' ' || (SELECT count(*) FROM pg_tables WHERE tablename LIKE 'bench\\_%')",
      "  || ' ' || (SELECT count(DISTINCT run_id) FROM slugwright_migrations_events WHERE event = 'applied')",
    ].join("\n"));
    const [rows, versions, events, eventVersions, tables, appliers] = check.split(" ").map(Number);
    const n = CONTENTION_MIGRATIONS;
    if (rows !== n || versions !== n || events !== n || eventVersions !== n || tables !== n) {
      throw new Error(`${what}: expected each of ${n} migrations applied once; history rows ${rows}, ` +
        `versions ${versions}, applied events ${events} (${eventVersions} versions), tables ${tables}`);
    }
    if (v.id.startsWith("commit") && appliers !== 1)
      throw new Error(`${what}: the migrations were applied by ${appliers} runs; one release of the commit expected`);
    const exits = [...m.exit_ms].sort((a, b) => a - b);
    contentionChecks.push({ round, variant: v.id, appliers, spread: exits[exits.length - 1] - exits[0] });
    record(`contention/${v.id}`, { phase: "contention", label: v.label, floor: !!v.floor, tool: v.id }, m);
    console.log(`       ${what}: ${fmtMs(m.wall_ms)}, ${fmtKb(m.max_rss_kb)}; ` +
      `${n} applied once each, by ${appliers} of ${v.count} run(s)` +
      (v.count > 1 ? `; exits at ${exits.map((x) => fmtMs(x)).join(", ")}` : ""));
  }
  // Racing releases that find nothing to do, on the database the single
  // run filled: 1 vs 8 at once.
  const db = `contention_single_r${round}`;
  const url = cluster.url(db);
  const racing = [
    { id: "noop-single", label: `slugwright release, 1 run (${CONTENTION_MIGRATIONS} applied, none pending)`, count: 1, floor: true },
    { id: "noop-eight", label: `slugwright release, ${CONTENTION_RUNS} runs at once (none pending)`, count: CONTENTION_RUNS },
  ];
  for (const v of rotate(racing, round)) {
    cluster.settle();
    const what = `racing no-op ${v.id} round ${round + 1}`;
    const m = measure([SLUGWRIGHT, "release", "--dir", layout.dbmate, "--lock-wait", "10m"],
      { cwd: emptyDir, env: { DATABASE_URL: url }, count: v.count, what });
    const events = Number(cluster.sql(db, "SELECT count(*) FROM slugwright_migrations_events WHERE event = 'applied'"));
    if (events !== CONTENTION_MIGRATIONS) throw new Error(`${what}: ${events} applied events, expected ${CONTENTION_MIGRATIONS}`);
    record(`racing/${v.id}`, { phase: "racing no-op", label: v.label, floor: !!v.floor, tool: v.id }, m);
    console.log(`       ${what}: ${fmtMs(m.wall_ms)}, ${fmtKb(m.max_rss_kb)}`);
  }
}
const contentionChecks = [];
let rehearseSource = null;
let lintSet = null;

// rehearse: `slugwright rehearse` of one ~100 MB source with one pending
// migration, against the copy alone: pg_dump | pg_restore of the same
// source into a fresh database of the same cluster (the floor), and the
// --jobs variant a user would run (-Fd, --jobs on both sides). rehearse
// runs with its defaults (a throwaway cluster of its own, --jobs = cores)
// and with --into this cluster, where it restores as the floors do.
const REHEARSE_SOURCE = "rehearse_source";
const REHEARSE_APPLIED = {
  "20240101000000_create_customers.sql": "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text);",
  "20240102000000_create_orders.sql": "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL " +
    "REFERENCES customers, amount integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n" +
    "CREATE INDEX orders_customer_id_idx ON orders (customer_id);",
  "20240103000000_create_audit_log.sql": "CREATE TABLE audit_log (id bigserial PRIMARY KEY, " +
    "at timestamptz NOT NULL DEFAULT now(), message text);",
};
const REHEARSE_PENDING = {
  "20240201000000_create_coupons.sql": "CREATE TABLE coupons (id bigserial PRIMARY KEY, code text NOT NULL UNIQUE, " +
    "percent integer NOT NULL);",
};

function rehearseJobs() {
  return Math.min(8, Math.max(1, os.cpus().length));
}

// The source, filled once before the rounds (not measured): its history
// from `slugwright migrate up`, its rows from generate_series.
function prepareRehearse(cluster, options, workDir) {
  const dir = path.join(workDir, "rehearse");
  fs.rmSync(dir, { recursive: true, force: true });
  for (const sub of ["applied", "pending"]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  for (const [file, sql] of Object.entries(REHEARSE_APPLIED)) {
    for (const sub of ["applied", "pending"]) fs.writeFileSync(path.join(dir, sub, file), `-- migrate:up\n${sql}\n`);
  }
  for (const [file, sql] of Object.entries(REHEARSE_PENDING)) {
    fs.writeFileSync(path.join(dir, "pending", file), `-- migrate:up\n${sql}\n`);
  }
  const url = cluster.createDatabase(REHEARSE_SOURCE);
  const started = Date.now();
  log(`Filling ${REHEARSE_SOURCE} (${options.rehearseOrders} orders) for rehearse`);
  run(SLUGWRIGHT, ["migrate", "up", "--dir", path.join(dir, "applied")], { env: { ...process.env, DATABASE_URL: url }, cwd: dir });
  const orders = options.rehearseOrders;
  cluster.sql(REHEARSE_SOURCE, [
    "INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 100000) g;",
    `INSERT INTO orders SELECT g, 1 + g % 100000, g % 1000, timestamptz '2024-01-01' + g * interval '1 second' ` +
      `FROM generate_series(1, ${orders}) g;`,
    "INSERT INTO audit_log (message) SELECT 'event ' || g FROM generate_series(1, 200000) g;",
  ].join("\n"));
  cluster.sql(REHEARSE_SOURCE, "VACUUM ANALYZE");
  const bytes = Number(cluster.sql(REHEARSE_SOURCE, "SELECT pg_database_size(current_database())"));
  log(`  ${REHEARSE_SOURCE} ready in ${fmtMs(Date.now() - started)}: ${(bytes / 1048576).toFixed(0)} MB`);
  return { dir, url, orders, bytes };
}

function benchRehearse(cluster, source, round, emptyDir) {
  const pgDump = path.join(PG_BIN, "pg_dump");
  const pgRestore = path.join(PG_BIN, "pg_restore");
  const jobs = rehearseJobs();
  const archiveDir = path.join(source.dir, "archive");
  const restoreFlags = "--no-owner --no-privileges";
  const variants = [
    { id: "floor", label: "pg_dump -Fc piped to pg_restore (floor)", floor: true,
      shell: (dst) => `${pgDump} -Fc -d '${source.url}' | ${pgRestore} ${restoreFlags} -d '${dst}'` },
    { id: "floor-jobs", label: `pg_dump -Fd --jobs=${jobs}, then pg_restore --jobs=${jobs}`,
      shell: (dst) => `${pgDump} -Fd --jobs=${jobs} -f ${archiveDir} -d '${source.url}' && ` +
        `${pgRestore} ${restoreFlags} --jobs=${jobs} -d '${dst}' ${archiveDir}` },
    { id: "slugwright", label: `slugwright rehearse (its own throwaway cluster, --jobs ${jobs})`,
      args: [] },
    { id: "slugwright-into", label: `slugwright rehearse --into this cluster (--jobs ${jobs})`,
      args: ["--into", cluster.url("postgres")] },
  ];
  // Another build to compare with, e.g. the commit before a change.
  if (process.env.SLUGWRIGHT_BASELINE_BIN) {
    variants.push({ id: "baseline", label: `slugwright rehearse, ${process.env.SLUGWRIGHT_BASELINE_BIN} (baseline)`,
      args: [], bin: process.env.SLUGWRIGHT_BASELINE_BIN });
  }
  for (const v of rotate(variants, round)) {
    const what = `rehearse ${v.id} round ${round + 1}`;
    fs.rmSync(archiveDir, { recursive: true, force: true });
    let m;
    if (v.shell) {
      const db = `rehearse_${v.id.replace("-", "_")}_r${round}`;
      const dst = cluster.createDatabase(db);
      cluster.settle();
      m = measure(["sh", "-c", `set -e; ${v.shell(dst)}`], { cwd: emptyDir, what });
      const rows = Number(cluster.sql(db, "SELECT count(*) FROM orders"));
      if (rows !== source.orders) throw new Error(`${what}: ${rows} orders in the copy, expected ${source.orders}`);
      cluster.sql("postgres", `DROP DATABASE "${db}" WITH (FORCE)`);
    } else {
      cluster.settle();
      m = measure([v.bin || SLUGWRIGHT, "rehearse", "--dir", path.join(source.dir, "pending"), ...v.args],
        { cwd: emptyDir, env: { DATABASE_URL: source.url }, what });
      const left = cluster.sql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'slugwright_rehearsal%'");
      if (left !== "0") throw new Error(`${what}: left ${left} scratch database(s) behind`);
    }
    record(`rehearse/${v.id}`, { phase: "rehearse", label: v.label, floor: !!v.floor, tool: v.id }, m);
    console.log(`       ${what}: ${fmtMs(m.wall_ms)}, ${fmtKb(m.max_rss_kb)}`);
  }
  fs.rmSync(archiveDir, { recursive: true, force: true });
}

// The npm launcher's cost per call: `slugwright --version` through
// node_modules/.bin/slugwright, the launcher of packaging/npm/slugwright laid
// out as `npm install` lays out the packages (node_modules/slugwright/bin/
// slugwright beside node_modules/@slugwright/linux-x64/bin/slugwright
// holding the binary), vs the bare binary (the floor).
const LAUNCHER_CALLS = 5; // calls per tool and round, each one sample

function prepareLauncher(workDir) {
  const modules = path.join(workDir, "launcher", "node_modules");
  fs.rmSync(path.join(workDir, "launcher"), { recursive: true, force: true });
  const platform = path.join(modules, "@slugwright", `linux-${process.arch}`, "bin");
  fs.mkdirSync(platform, { recursive: true });
  fs.copyFileSync(SLUGWRIGHT, path.join(platform, "slugwright"));
  fs.chmodSync(path.join(platform, "slugwright"), 0o755);
  const launcher = path.join(modules, "slugwright", "bin");
  fs.mkdirSync(launcher, { recursive: true });
  fs.copyFileSync(path.join(ROOT, "packaging", "npm", "slugwright", "bin", "slugwright"), path.join(launcher, "slugwright"));
  fs.chmodSync(path.join(launcher, "slugwright"), 0o755);
  fs.mkdirSync(path.join(modules, ".bin"), { recursive: true });
  fs.symlinkSync("../slugwright/bin/slugwright", path.join(modules, ".bin", "slugwright"));
  return {
    bare: path.join(platform, "slugwright"),
    launcher: path.join(modules, ".bin", "slugwright"),
  };
}

function benchLauncher(workDir, bins, round) {
  const variants = [
    { id: "bare", label: "slugwright --version, the bare binary (floor)", floor: true, bin: bins.bare },
    { id: "slugwright", label: "the same through node_modules/.bin/slugwright, the npm package's launcher", bin: bins.launcher },
  ];
  for (const v of rotate(variants, round)) {
    for (let call = 0; call < LAUNCHER_CALLS; call++) {
      const what = `launcher ${v.id} round ${round + 1} call ${call + 1}`;
      const m = measure([v.bin, "--version"], { cwd: workDir, what });
      record(`launcher/${v.id}`, { phase: "launcher", label: v.label, floor: !!v.floor, tool: v.id }, m);
    }
    const s = samples.get(`launcher/${v.id}`);
    console.log(`       launcher ${v.id} round ${round + 1}: median ${fmtMs(median(s.wall.slice(-LAUNCHER_CALLS)))}`);
  }
}

// lint: `slugwright migrate lint` of a directory of LINT_FILES migrations
// beside squawk on the same files, against reading them (cat, the floor).
// Each file creates a table and indexes it (new in its file: no finding);
// every 10th also indexes an earlier table without CONCURRENTLY and every
// 25th changes an earlier column's type, which both tools flag.
function prepareLint(workDir, count) {
  const dir = path.join(workDir, "lint-set");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = [];
  for (let i = 1; i <= count; i++) {
    const m = migration(i);
    const up = [m.up];
    const earlier = `bench_${pad(Math.max(1, i - 5))}`;
    if (i % 10 === 0) up.push(`CREATE INDEX ${earlier}_name_${pad(i)}_idx ON ${earlier} (name);`);
    if (i % 25 === 0) up.push(`ALTER TABLE ${earlier} ALTER COLUMN name TYPE varchar(200);`);
    const file = path.join(dir, `${m.version}_${m.name}.sql`);
    fs.writeFileSync(file, `-- migrate:up\n${up.join("\n")}\n`);
    files.push(file);
  }
  return { dir, files, risky: Math.floor(count / 10) + Math.floor(count / 25) };
}

function benchLint(lintSet, round, emptyDir) {
  const n = lintSet.files.length.toLocaleString("en-US");
  const variants = [
    { id: "cat", label: `cat of the ${n} files (floor)`, floor: true,
      cmd: ["sh", "-c", 'cat "$0"/*.sql >/dev/null', lintSet.dir], exitCodes: [0] },
    { id: "slugwright", label: `slugwright migrate lint --dir, ${n} files`,
      cmd: [SLUGWRIGHT, "migrate", "lint", "--dir", lintSet.dir, "--postgres-version", "16"], exitCodes: [1] },
    { id: "squawk", label: "squawk (its native binary) on the same files",
      cmd: [SQUAWK, "--pg-version=16", ...lintSet.files], exitCodes: [1] },
    { id: "squawk-npm", label: "squawk through the npm package's launcher (node_modules/.bin/squawk)",
      cmd: [SQUAWK_NPM, "--pg-version=16", ...lintSet.files], exitCodes: [1] },
  ];
  for (const v of rotate(variants, round)) {
    const what = `lint ${v.id} round ${round + 1}`;
    const m = measure(v.cmd, { cwd: emptyDir, what, exitCodes: v.exitCodes });
    record(`lint/${v.id}`, { phase: "lint", label: v.label, floor: !!v.floor, tool: v.id }, m);
    console.log(`       ${what}: ${fmtMs(m.wall_ms)}, ${fmtKb(m.max_rss_kb)}`);
  }
  // The findings themselves, once: slugwright flags every risky statement
  // (so the time is for real work, not an early exit).
  if (round === 0) {
    const r = spawnSync(SLUGWRIGHT, ["migrate", "lint", "--dir", lintSet.dir, "--postgres-version", "16", "--json"],
      { cwd: emptyDir, encoding: "utf8", maxBuffer: 256 << 20 });
    const findings = JSON.parse(r.stdout).findings || [];
    const flagged = new Set(findings.map((f) => `${f.file}:${f.line}`));
    if (r.status !== 1 || flagged.size !== lintSet.risky) {
      throw new Error(`lint: expected exit 1 and ${lintSet.risky} flagged statements; exit ${r.status}, ` +
        `${flagged.size} flagged`);
    }
    lintSet.flagged = flagged.size;
  }
}

// command-noop: a `command:` release with nothing pending, Common's shape:
// COMMAND_MIGRATIONS sequelize migrations, all recorded in SequelizeMeta.
// `npx sequelize-cli db:migrate` by itself, against `slugwright release`
// running it as its `command:` (which sees that every file is recorded and
// does not start the tool), against psql's connect (the floor).
function prepareCommandNoop(cluster, workDir) {
  const dir = path.join(workDir, "command-set");
  const layout = generate(dir, COMMAND_MIGRATIONS);
  // npx finds sequelize-cli in the app's node_modules, as in a project.
  fs.symlinkSync(path.join(TOOLS, "node_modules"), path.join(dir, "node_modules"));
  const tool = "npx sequelize-cli db:migrate --env bench --config sequelize/config.js --migrations-path sequelize/migrations";
  fs.writeFileSync(path.join(dir, "slugwright.yml"), [
    "release:",
    `  command: ${tool}`,
    "  command_history:",
    "    table: SequelizeMeta",
    "    migrations: sequelize/migrations",
    "",
  ].join("\n"));
  const db = "command_noop";
  const url = cluster.createDatabase(db);
  const names = fs.readdirSync(layout.seq).filter((f) => f.endsWith(".js")).sort();
  cluster.sql(db, 'CREATE TABLE "SequelizeMeta" (name varchar(255) NOT NULL PRIMARY KEY); ' +
    `INSERT INTO "SequelizeMeta" (name) VALUES ${names.map((n) => `('${n}')`).join(", ")}`);
  // The skip itself, once: slugwright says it did not start the tool.
  const out = run(SLUGWRIGHT, ["release"], { cwd: dir, env: { ...process.env, DATABASE_URL: url } });
  if (!/not started/.test(out)) throw new Error(`command-noop: slugwright release started the tool:\n${out}`);
  return { dir, url, tool, names: names.length };
}

function benchCommandNoop(cluster, set, round) {
  const variants = [
    { id: "libpq", label: "libpq, connect + SELECT 1 (a C program; floor)", floor: true,
      cmd: [libpqFloor()] },
    { id: "psql", label: "psql, connect + SELECT 1",
      cmd: [path.join(PG_BIN, "psql"), "-X", "-q", "-c", "SELECT 1", set.url] },
    { id: "sequelize-cli", label: `${set.tool.split(" --")[0]} (${set.names} recorded, none pending)`,
      cmd: ["sh", "-c", set.tool] },
    { id: "slugwright", label: `slugwright release with that as its command: (the tool not started)`,
      cmd: [SLUGWRIGHT, "release"] },
  ];
  for (const v of rotate(variants, round)) {
    cluster.settle();
    const what = `command no-op ${v.id} round ${round + 1}`;
    const m = measure(v.cmd, { cwd: set.dir, env: { DATABASE_URL: set.url }, what });
    record(`command-noop/${v.id}`, { phase: "command no-op", label: v.label, floor: !!v.floor, tool: v.id }, m);
    console.log(`       ${what}: ${fmtMs(m.wall_ms)}, ${fmtKb(m.max_rss_kb)}`);
  }
}

const COMPILE_APP = "commonwealth-beta";

function benchCompile(workDir, round) {
  const fixture = path.join(ROOT, "fixtures", "common-monorepo");
  const envDir = path.join(workDir, "compile", "env");
  const variants = [
    { id: "cp", label: `cp procfiles/${COMPILE_APP}.Procfile Procfile (floor)`, floor: true },
    { id: "slugwright", label: "bin/compile, build/release/slugwright", buildpack: ROOT, bin: SLUGWRIGHT },
  ];
  if (PACKAGED) {
    variants.push({ id: "slugwright-dist", label: "bin/compile of the packaged buildpack (dist/slugwright)",
      buildpack: PACKAGED.dir, bin: "" });
  }
  for (const v of rotate(variants, round)) {
    const app = path.join(workDir, "compile", `app-${v.id}-r${round}`);
    fs.rmSync(app, { recursive: true, force: true });
    run("cp", ["-a", fixture, app]);
    const what = `compile ${v.id} round ${round + 1}`;
    let m;
    if (v.floor) {
      m = measure(["cp", `procfiles/${COMPILE_APP}.Procfile`, "Procfile"], { cwd: app, what });
    } else {
      const cache = path.join(workDir, "compile", `cache-${v.id}`);
      // SLUGWRIGHT_BIN empty: the packaged bin/compile finds its own dist/slugwright.
      m = measure([path.join(v.buildpack, "bin", "compile"), app, cache, envDir],
        { cwd: app, env: { SLUGWRIGHT_BIN: v.bin }, what });
      const written = fs.readFileSync(path.join(app, "Procfile"), "utf8");
      const expected = fs.readFileSync(path.join(ROOT, "procfiles", `${COMPILE_APP}.Procfile`), "utf8");
      if (written !== expected) throw new Error(`${what}: the written Procfile is not ${COMPILE_APP}'s`);
    }
    record(`compile/${v.id}`, { phase: "compile", label: v.label, floor: !!v.floor, tool: v.id }, m);
    console.log(`       ${what}: ${fmtMs(m.wall_ms)}, ${fmtKb(m.max_rss_kb)}`);
    fs.rmSync(app, { recursive: true, force: true });
  }
}

// Finds the packaged buildpack: $SLUGWRIGHT_PACKAGED (a tarball or an
// unpacked buildpack), else the newest dist/slugwright-buildpack-*.tgz, else
// dist/slugwright itself. A tarball is unpacked into the work directory.
function findPackaged(workDir) {
  let source = process.env.SLUGWRIGHT_PACKAGED || "";
  if (!source) {
    const dist = path.join(ROOT, "dist");
    const tarballs = fs.existsSync(dist)
      ? fs.readdirSync(dist).filter((f) => /^slugwright-buildpack-.*\.tgz$/.test(f))
        .map((f) => path.join(dist, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
      : [];
    if (tarballs.length) source = tarballs[0];
    else if (fs.existsSync(path.join(dist, "slugwright"))) source = ROOT;
    else return null;
  }
  let dir = source;
  if (fs.statSync(source).isFile()) {
    dir = path.join(workDir, "packaged");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    run("tar", ["-xzf", source, "-C", dir]);
  }
  const bin = path.join(dir, "dist", "slugwright");
  if (!fs.existsSync(bin) || !fs.existsSync(path.join(dir, "bin", "compile"))) {
    fail(`${source} is not a packaged buildpack (no dist/slugwright and bin/compile)`);
  }
  return { dir, bin, source };
}

// A warm cache: each binary's cache dir has seen one build of the same app.
function prepareCompile(workDir) {
  const fixture = path.join(ROOT, "fixtures", "common-monorepo");
  const dir = path.join(workDir, "compile");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "env"), { recursive: true });
  fs.writeFileSync(path.join(dir, "env", "HEROKU_APP_NAME"), COMPILE_APP);
  const buildpacks = [["slugwright", ROOT, SLUGWRIGHT]];
  if (PACKAGED) buildpacks.push(["slugwright-dist", PACKAGED.dir, ""]);
  for (const [id, buildpack, bin] of buildpacks) {
    const app = path.join(dir, "warmup");
    fs.rmSync(app, { recursive: true, force: true });
    run("cp", ["-a", fixture, app]);
    run(path.join(buildpack, "bin", "compile"), [app, path.join(dir, `cache-${id}`), path.join(dir, "env")],
      { env: { ...process.env, SLUGWRIGHT_BIN: bin } });
    fs.rmSync(app, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- report

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function fmtMs(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

function fmtKb(kb) {
  return `${(kb / 1024).toFixed(1)} MiB`;
}

function fmtRatio(x) {
  return x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`;
}

function summarize() {
  const rows = [];
  for (const [key, s] of samples) {
    rows.push({ key, ...s, med: median(s.wall), min: Math.min(...s.wall), max: Math.max(...s.wall),
      peakRss: Math.max(...s.rss), cpu: median(s.cpu) });
  }
  return rows;
}

function table(rows) {
  const lines = [
    "| phase | tool | median | min | max | peak RSS | client CPU | × floor | × slugwright |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const phase of [...new Set(rows.map((r) => r.phase))]) {
    const group = rows.filter((r) => r.phase === phase);
    if (!group.length) continue;
    const floor = group.find((r) => r.floor);
    const sw = group.find((r) => r.tool === "slugwright");
    for (const r of group) {
      const toFloor = floor && !r.floor ? fmtRatio(r.med / floor.med) : "";
      const toSw = sw && r !== sw && !["contention", "racing no-op"].includes(phase) ? fmtRatio(r.med / sw.med) : "";
      lines.push(`| ${phase} | ${r.label} | ${fmtMs(r.med)} | ${fmtMs(r.min)} | ${fmtMs(r.max)} | ` +
        `${fmtKb(r.peakRss)} | ${fmtMs(r.cpu)} | ${toFloor} | ${toSw} |`);
    }
  }
  return lines.join("\n");
}

// The issue's targets, each judged on this run's medians.
function targets(rows, options) {
  const get = (key) => rows.find((r) => r.key === key);
  const out = [];
  const verdict = (ok) => (ok ? "**met**" : "**missed**");
  const note = options.n === 1000 ? "" : ` (this run used N=${options.n}; the target is stated for 1,000)`;
  for (const sid of ["slugwright", "slugwright-dist"]) {
    const sw = get(`apply/${sid}`);
    const name = sid === "slugwright" ? "slugwright" : "slugwright, packaged";
    const floor = get("apply/psql");
    const others = rows.filter((r) => r.phase === "apply" && !r.floor && !r.tool.startsWith("slugwright") &&
      r.tool !== "node-pg-migrate-each");
    if (sw && floor) {
      const ratio = sw.med / floor.med;
      out.push(`- apply, ${name}: at most 0.85 × the psql floor: ${fmtRatio(ratio)} ` +
        `(${fmtMs(sw.med)} vs ${fmtMs(floor.med)}): ${verdict(ratio <= 0.85)}${note}`);
    }
    if (sw && others.length) {
      const slowest = others.map((o) => `${o.tool} ${fmtRatio(o.med / sw.med)}`).join(", ");
      out.push(`- apply, ${name}: faster than every other tool (their time ÷ slugwright's: ${slowest}): ` +
        `${verdict(others.every((o) => sw.med < o.med))}`);
    }
    if (sid === "slugwright") {
      const pairs = [["apply/slugwright", "apply/node-pg-migrate-each", "one transaction per migration"],
        ["apply/slugwright-all", "apply/node-pg-migrate", "one transaction for the batch"]];
      for (const [a, b, mode] of pairs) {
        const x = get(a);
        const y = get(b);
        if (!x || !y) continue;
        out.push(`- apply, like for like (${mode}): slugwright ${fmtMs(x.med)} vs node-pg-migrate ` +
          `${fmtMs(y.med)} (${fmtRatio(y.med / x.med)}): ${x.med < y.med ? "faster" : "not faster"}`);
      }
    }
    out.push(...noopTargets(get, sid, name, options, note));
    out.push(...noopTargets(get, `${sid}-manifest`, `${name} with the migrations manifest`, options, note));
  }
  const single = get("contention/single");
  const eight = get("contention/eight");
  if (single && eight) {
    const ratio = eight.med / single.med;
    out.push(`- contention, ${CONTENTION_MIGRATIONS} pending: ${CONTENTION_RUNS} runs vs a single run ` +
      `(reported, no target): ${fmtRatio(ratio)} (${fmtMs(eight.med)} vs ${fmtMs(single.med)})`);
  }
  const commit = get("contention/commit");
  if (single && commit) {
    const ratio = commit.med / single.med;
    const spreads = contentionChecks.filter((c) => c.variant === "commit").map((c) => c.spread);
    const worst = Math.max(...spreads);
    out.push(`- ${CONTENTION_RUNS} services of one commit, ${CONTENTION_MIGRATIONS} pending, at most 1.15 × one run: ` +
      `${fmtRatio(ratio)} (${fmtMs(commit.med)} vs ${fmtMs(single.med)}): ${verdict(ratio <= 1.15)}`);
    const one = get("contention/commit-one");
    if (one) {
      out.push(`- ${CONTENTION_RUNS} services of one commit vs 1 service of a commit (reported, no target): ` +
        `${fmtRatio(commit.med / one.med)} (${fmtMs(commit.med)} vs ${fmtMs(one.med)}); 1 service of a commit ` +
        `vs one run without a commit: ${fmtRatio(one.med / single.med)}`);
    }
    out.push(`- the last of the ${CONTENTION_RUNS} services exits within 100 ms of the first (the executor ` +
      `or a waiter): worst spread ${fmtMs(worst)}: ${verdict(worst <= 100)}`);
  }
  const racingOne = get("racing/noop-single");
  const racingEight = get("racing/noop-eight");
  if (racingOne && racingEight) {
    const ratio = racingEight.med / racingOne.med;
    out.push(`- ${CONTENTION_RUNS} racing no-op releases at most 1.2 × one run: ${fmtRatio(ratio)} ` +
      `(${fmtMs(racingEight.med)} vs ${fmtMs(racingOne.med)}): ${verdict(ratio <= 1.2)}`);
  }
  for (const floorId of ["floor", "floor-jobs"]) {
    const floor = get(`rehearse/${floorId}`);
    for (const sid of ["slugwright", "slugwright-into", "baseline"]) {
      const r = get(`rehearse/${sid}`);
      if (!floor || !r) continue;
      const ratio = r.med / floor.med;
      out.push(`- rehearse, ${r.label} at most 1.25 × ${floor.label.replace(" (floor)", "")}: ${fmtRatio(ratio)} ` +
        `(${fmtMs(r.med)} vs ${fmtMs(floor.med)}): ${verdict(ratio <= 1.25)}`);
    }
  }
  for (const sid of ["slugwright", "slugwright-dist"]) {
    const c = get(`compile/${sid}`);
    if (c) {
      out.push(`- compile with a warm cache (${sid === "slugwright" ? "build/release" : "packaged buildpack"}): ` +
        `under 50 ms: ${fmtMs(c.med)}: ${verdict(c.med < 50)}`);
    }
  }
  const commandNoop = get("command-noop/slugwright");
  const plainTool = get("command-noop/sequelize-cli");
  if (commandNoop) {
    out.push(`- command: no-op release over ${COMMAND_MIGRATIONS} sequelize migrations: at most 60 ms: ` +
      `${fmtMs(commandNoop.med)}: ${verdict(commandNoop.med <= 60)}` +
      (plainTool ? ` (plain sequelize-cli: ${fmtMs(plainTool.med)}, ${fmtRatio(plainTool.med / commandNoop.med)} ` +
        "slugwright's)" : ""));
  }
  const lint = get("lint/slugwright");
  if (lint) {
    const n = lintSet.files.length;
    const files = n.toLocaleString("en-US");
    out.push(`- lint of ${files} files: at most 1 s: ${fmtMs(lint.med)}: ${verdict(lint.med <= 1000)}` +
      (n === 10000 ? "" : ` (this run linted ${files}; the target is stated for 10,000)`));
    for (const id of ["squawk", "squawk-npm"]) {
      const other = get(`lint/${id}`);
      if (other) {
        out.push(`- lint, ${other.label}: its time ÷ slugwright's: ${fmtRatio(other.med / lint.med)} ` +
          `(${fmtMs(other.med)} vs ${fmtMs(lint.med)})`);
      }
    }
  }
  const bare = get("launcher/bare");
  for (const id of ["slugwright"]) {
    const r = get(`launcher/${id}`);
    if (bare && r) {
      const over = r.med - bare.med;
      out.push(`- npm launcher (node_modules/.bin/slugwright): at most 20 ms ` +
        `over the bare binary per call: ${over >= 0 ? "+" : ""}${fmtMs(over)} (${fmtMs(r.med)} vs ${fmtMs(bare.med)}): ` +
        `${verdict(over <= 20)}`);
    }
  }
  return out.join("\n");
}

// The no-op targets of issue 15, and how the cost grows with the files.
function noopTargets(get, sid, name, options, note) {
  const verdict = (ok) => (ok ? "**met**" : "**missed**");
  const out = [];
  const noop = get(`noop/${sid}`);
  const floor = get("noop/libpq");
  const psql = get("noop/psql");
  const dbmate = get("noop/dbmate");
  const apply = get(`apply/${sid}`);
  if (apply) {
    out.push(`- peak RSS applying ${options.n}, ${name}: at most 16 MiB: ${fmtKb(apply.peakRss)}: ` +
      `${verdict(apply.peakRss <= 16 * 1024)}${note}`);
  }
  if (noop && floor) {
    const r = noop.med / floor.med;
    out.push(`- no-op over ${options.n}, ${name}: at most 1.3 × the libpq floor (a C program: connect + ` +
      `SELECT 1): ${fmtRatio(r)} (${fmtMs(noop.med)} vs ${fmtMs(floor.med)}): ${verdict(r <= 1.3)}${note}`);
  }
  if (noop && psql) {
    out.push(`- no-op over ${options.n}, ${name}, beside psql connect + SELECT 1 (reported, no target): ` +
      `${fmtRatio(noop.med / psql.med)} (${fmtMs(noop.med)} vs ${fmtMs(psql.med)})`);
  }
  if (noop && dbmate) {
    const r = noop.med / dbmate.med;
    out.push(`- no-op over ${options.n}, ${name}: at most 0.8 × dbmate's binary (--no-dump-schema): ` +
      `${fmtRatio(r)} (${fmtMs(noop.med)} vs ${fmtMs(dbmate.med)}): ${verdict(r <= 0.8)}`);
  }
  if (noop) {
    out.push(`- peak RSS of the no-op over ${options.n}, ${name}: at most 16 MiB: ${fmtKb(noop.peakRss)}: ` +
      `${verdict(noop.peakRss <= 16 * 1024)}`);
  }
  const big = get(`noop-big/${sid}`);
  const bigFloor = get("noop-big/libpq");
  if (big && bigFloor) {
    const r = big.med / bigFloor.med;
    out.push(`- no-op over ${options.big}, ${name}: at most 1.5 × the floor: ${fmtRatio(r)} ` +
      `(${fmtMs(big.med)} vs ${fmtMs(bigFloor.med)}): ${verdict(r <= 1.5)}`);
  }
  // Issue 26's targets at the big set: at most 2.0 × the floor and no
  // slower than dbmate's binary.
  if (big && bigFloor) {
    const r = big.med / bigFloor.med;
    out.push(`- no-op over ${options.big}, ${name}: at most 2.0 × the floor (issue 26): ${fmtRatio(r)}: ` +
      `${verdict(r <= 2.0)}`);
  }
  const bigDbmate = get("noop-big/dbmate");
  if (big && bigDbmate) {
    const r = big.med / bigDbmate.med;
    out.push(`- no-op over ${options.big}, ${name}: at most 1.0 × dbmate's binary (issue 26): ${fmtRatio(r)} ` +
      `(${fmtMs(big.med)} vs ${fmtMs(bigDbmate.med)}): ${verdict(r <= 1.0)}`);
  }
  if (big) {
    out.push(`- peak RSS of the no-op over ${options.big}, ${name}: at most 24 MiB: ${fmtKb(big.peakRss)}: ` +
      `${verdict(big.peakRss <= 24 * 1024)}`);
  }
  if (big && noop && options.big > options.n) {
    const perK = (big.med - noop.med) / ((options.big - options.n) / 1000);
    const cpuPerK = (big.cpu - noop.cpu) / ((options.big - options.n) / 1000);
    out.push(`- growth, ${name}: ${fmtMs(perK)} wall and ${fmtMs(cpuPerK)} client CPU per 1,000 more ` +
      `applied files (${options.n} → ${options.big}: ${fmtMs(noop.med)} → ${fmtMs(big.med)})`);
  }
  const ssl = get(`noop-ssl/${sid}`);
  const sslFloor = get("noop-ssl/libpq");
  if (ssl && sslFloor) {
    out.push(`- no-op over ${options.n} with sslmode=require, ${name} (reported, no target): ` +
      `${fmtRatio(ssl.med / sslFloor.med)} the SSL floor (${fmtMs(ssl.med)} vs ${fmtMs(sslFloor.med)})`);
  }
  return out;
}

function firstLine(text) {
  return text.split("\n")[0].trim();
}

function machine() {
  const cpu = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) || [])[1] || "unknown CPU";
  const memKb = Number((fs.readFileSync("/proc/meminfo", "utf8").match(/MemTotal:\s*(\d+)/) || [])[1]);
  let debian = "";
  try {
    debian = `Debian ${fs.readFileSync("/etc/debian_version", "utf8").trim()}`;
  } catch {
    debian = os.type();
  }
  const disk = firstLine(run("df", ["-hT", os.tmpdir()]).split("\n").slice(1).join("\n")).split(/\s+/);
  return `${cpu}, ${os.cpus().length} cores, ${(memKb / 1024 / 1024).toFixed(0)} GiB RAM, ` +
    `${debian}, Linux ${os.release()}, ${disk[1]} on ${disk[0]} for the cluster`;
}

function versions(cluster) {
  const squawk = lintSet ? [firstLine(run(SQUAWK, ["--version"]))] : [];
  if (!cluster) return [firstLine(run(SLUGWRIGHT, ["--version"])), ...squawk].join("; ");
  const pkg = (name) => JSON.parse(fs.readFileSync(path.join(TOOLS, "node_modules", name, "package.json"), "utf8")).version;
  return [
    `${firstLine(run(SLUGWRIGHT, ["--version"]))}, a Release build` +
      (SLUGWRIGHT.startsWith(ROOT + path.sep) ? ` (${path.relative(ROOT, SLUGWRIGHT)})` : ""),
    ...(PACKAGED ? [`packaged: ${firstLine(run(PACKAGED.bin, ["--version"]))} (${path.basename(PACKAGED.source)})`] : []),
    `PostgreSQL ${cluster.version()}`,
    firstLine(run(path.join(PG_BIN, "psql"), ["--version"])),
    firstLine(run(DBMATE, ["--version"])),
    `node-pg-migrate ${pkg("node-pg-migrate")}`,
    `sequelize-cli ${pkg("sequelize-cli")}, sequelize ${pkg("sequelize")}`,
    `pg ${pkg("pg")}`,
    ...squawk,
    `Node.js ${process.version}`,
  ].join("; ");
}

function otherWork() {
  if (!backgroundSamples.length) return "";
  const busy = backgroundSamples.map((b) => b.busy * 100).sort((a, b) => a - b);
  const withTools = backgroundSamples.filter((b) => b.names.length);
  const names = [...new Set(withTools.flatMap((b) => b.names))].sort();
  return `Before each round the machine was ${busy[0].toFixed(0)}–${busy[busy.length - 1].toFixed(0)}% busy ` +
    `(median ${median(busy).toFixed(0)}%, all ${os.cpus().length} cores, sampled for 1 s with the benchmark idle)` +
    (names.length ? `; builds or tests of other work were running before ${withTools.length} of ` +
      `${backgroundSamples.length} rounds (${names.join(", ")}).` : "; no compiler or test runner was running.");
}

function notes(options, appliers, spread) {
  const out = [];
  const has = (p) => options.only.includes(p);
  if (has("apply")) {
    out.push("- apply: psql runs the same SQL with `BEGIN; … COMMIT;` around each migration and no history " +
      "table; slugwright runs `slugwright migrate up` (one transaction per migration, its default), dbmate " +
      "`dbmate --no-dump-schema migrate` (the native binary from @dbmate/linux-x64), node-pg-migrate `up` " +
      "(its default: one transaction for the batch) on `.sql` files, sequelize-cli `db:migrate` on JS files " +
      "calling `queryInterface.sequelize.query(sql)` (its defaults: no transaction, SQL logging on).");
  }
  if (has("noop")) {
    out.push("- no-op: the same command again over the applied set; dbmate also through the `dbmate` " +
      "command that `npm install dbmate` provides (a Node.js launcher that spawns the binary), and without " +
      "`--no-dump-schema` (its default: pg_dump rewrites db/schema.sql after every run, no-ops included). " +
      "slugwright also from an app root holding the migrations manifest that `slugwright migrate manifest` " +
      "wrote (as `bin/compile` does in a slug), so it takes the applied files' checksums from it. " +
      "The floor is tests/bench/libpq_floor.c, a C program that connects with libpq and sends " +
      "`SELECT 1` (psql doing the same is a row beside it).");
  }
  if (has("contention")) {
    out.push(`- contention: \`slugwright release\` on ${CONTENTION_MIGRATIONS} pending migrations, one run vs ` +
      `${CONTENTION_RUNS} started together (time until the last exits). Every run exited 0 and each ` +
      `migration has exactly one history row, one \`applied\` event and one table` +
      (appliers.length ? `; the applied events came from ${[...new Set(appliers)].join(" or ")} run(s) of the ` +
        `${CONTENTION_RUNS}. The last run exited ${fmtMs(median(spread))} (median; ${fmtMs(Math.min(...spread))}–` +
        `${fmtMs(Math.max(...spread))}) after the first.` : "."));
  }
  if (has("rehearse") && rehearseSource) {
    out.push(`- rehearse: \`slugwright rehearse\` of a ${(rehearseSource.bytes / 1048576).toFixed(0)} MB source ` +
      `(${rehearseSource.orders.toLocaleString("en-US")} orders with a primary key, a foreign key and an index; ` +
      "100,000 customers; 200,000 audit rows) with one pending migration (a new table), from its start to " +
      "its exit: snapshot, dump, restore, ANALYZE, the release phase on the copy, the report and the cleanup. " +
      "Its defaults copy into a throwaway cluster of its own (started while the dump runs; fsync off); " +
      "`--into` copies into a new database of the benchmark's cluster (fsync on), as the floors do. The floor " +
      "is `pg_dump -Fc | pg_restore` of the same source into a fresh database of the same cluster, over the " +
      "same TCP connection settings; the `--jobs` row is a directory-format dump with `pg_dump --jobs` and " +
      "`pg_restore --jobs` (cores, at most 8, as rehearse's default). Each after a CHECKPOINT and a sync.");
  }
  if (has("compile")) {
    out.push(`- compile: \`bin/compile\` on a fresh copy of fixtures/common-monorepo (app ${COMPILE_APP}) with a ` +
      "cache from an earlier build; the floor is `cp` of the chosen Procfile.");
  }
  if (has("command-noop")) {
    out.push(`- command no-op: ${COMMAND_MIGRATIONS} sequelize migrations (JS files, the apply set's shape), ` +
      "every one recorded in SequelizeMeta; the app root's slugwright.yml runs `npx sequelize-cli db:migrate` " +
      "(with --config and --migrations-path) as its `command:` and names the table and directory in " +
      "`command_history`; npx finds sequelize-cli in the app's node_modules. slugwright's row was checked " +
      "to say the tool was not started.");
  }
  if (has("lint") && lintSet) {
    out.push(`- lint: \`slugwright migrate lint --dir DIR --postgres-version 16\` and \`squawk --pg-version=16 FILE...\` ` +
      `on the same ${lintSet.files.length.toLocaleString("en-US")} files (each creates and indexes a table; ` +
      `${lintSet.risky.toLocaleString("en-US")} statements index an earlier table without CONCURRENTLY or change ` +
      `an earlier column's type, and slugwright flagged each of them` +
      (lintSet.flagged === lintSet.risky ? "" : ` (it flagged ${lintSet.flagged})`) + `); both exit 1, their ` +
      "reports going to a log file. The floor is `cat` of the files.");
  }
  if (has("launcher")) {
    out.push(`- launcher: \`slugwright --version\` (no database), ${LAUNCHER_CALLS} calls a round each: the bare binary, ` +
      "and node_modules/.bin/slugwright, the launcher of packaging/npm/slugwright/bin/slugwright, in an " +
      "npm-shaped node_modules.");
  }
  return out;
}

function report(rows, options, info) {
  const loads = [...loadSamples].sort((a, b) => a - b);
  const load = loads.length
    ? `1-minute load average ${loads[0].toFixed(2)}–${loads[loads.length - 1].toFixed(2)} ` +
      `(median ${median(loads).toFixed(2)}) over ${loads.length} measurements, on ${os.cpus().length} cores`
    : "";
  const eights = contentionChecks.filter((c) => c.variant === "eight");
  const appliers = eights.map((c) => c.appliers);
  const spread = eights.map((c) => c.spread);
  return [
    "# slugwright benchmark results",
    "",
    `Written by \`${["tests/bench/run", ...info.argv].join(" ")}\` on ${info.started.toISOString().slice(0, 16).replace("T", " ")} UTC ` +
      `(${((Date.now() - info.started.getTime()) / 60000).toFixed(1)} min).`,
    "",
    `- Machine: ${machine()}.`,
    `- Load: ${load}. ${otherWork()}`,
    ...(info.needDb ? [`- Cluster: one local PostgreSQL, fsync on, synchronous_commit on, TCP 127.0.0.1 with a ` +
      `scram-sha-256 password (no SSL); each apply, contention and rehearse measurement on a fresh database ` +
      `(no-op: on the database its apply run filled), after a CHECKPOINT and a sync.`] : []),
    `- Versions: ${info.versions}.`,
    `- Work: ` + (options.only.some((p) => ["apply", "noop", "contention"].includes(p)) ? `N=${options.n} migrations (each creates a table, an index and a row; every ` +
      `tenth alters an earlier table), ` : "") +
      `${options.rounds} round(s), tools alternating in an order that rotates every round. ` +
      `Times are wall clock from start to exit (median, min, max over the rounds); peak RSS is the largest ` +
      `over the rounds (for contention: of any one of the runs); client CPU is the median user + system ` +
      `time of the tool's processes (not the server's). "× floor" and "× slugwright" divide the ` +
      `row's median by the floor's and by slugwright's.`,
    "",
    table(rows),
    "",
    "Notes:",
    ...notes(options, appliers, spread),
    "",
    "## Targets",
    "",
    targets(rows, options),
    "",
  ].join("\n");
}

// ---------------------------------------------------------------- main

async function main() {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  if (options.generate) {
    const layout = generate(path.resolve(options.generate), options.n);
    log(`Wrote ${options.n} migrations: ${Object.values(layout).join(", ")}`);
    return;
  }
  const started = new Date();
  const workDir = path.join(BENCH_DIR, "work");
  fs.mkdirSync(workDir, { recursive: true });
  logFile = path.join(workDir, "tools.log");
  fs.writeFileSync(logFile, "");
  PACKAGED = findPackaged(workDir);
  if (PACKAGED) log(`Also benchmarking the packaged buildpack from ${PACKAGED.source}`);
  const emptyDir = path.join(workDir, "cwd");
  fs.mkdirSync(emptyDir, { recursive: true });

  const cluster = new Cluster();
  let interrupted = false;
  const cleanup = () => {
    cluster.stop();
    if (!options.keepWork) {
      for (const d of ["set", "big-set", "contention-set", "compile", "packaged", "dbmate-cwd", "rehearse", "launcher", "lint-set", "command-set"]) fs.rmSync(path.join(workDir, d), { recursive: true, force: true });
    }
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`\ntests/bench/run: ${signal}; removing the cluster`);
      cleanup();
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }

  try {
    const needDb = options.only.some((p) => !["compile", "launcher", "lint"].includes(p));
    let layout, contentionLayout, tools;
    if (needDb) {
      log(`Starting a PostgreSQL cluster (fsync on) in ${os.tmpdir()}`);
      await cluster.start();
    }
    if (options.only.includes("apply") || options.only.includes("noop")) {
      log(`Generating ${options.n} migrations for psql, slugwright/dbmate, node-pg-migrate and sequelize-cli`);
      layout = generate(path.join(workDir, "set"), options.n);
      tools = applyTools(layout, emptyDir, options);
    }
    if (options.only.includes("contention")) {
      contentionLayout = generate(path.join(workDir, "contention-set"), CONTENTION_MIGRATIONS);
    }
    let big = null;
    if (options.only.includes("noop-big")) {
      big = prepareBig(cluster, options, workDir, emptyDir);
    }
    if (options.only.includes("compile")) prepareCompile(workDir);
    const launcherBins = options.only.includes("launcher") ? prepareLauncher(workDir) : null;
    if (options.only.includes("rehearse")) rehearseSource = prepareRehearse(cluster, options, workDir);
    const commandSet = options.only.includes("command-noop") ? prepareCommandNoop(cluster, workDir) : null;
    if (options.only.includes("lint")) {
      log(`Writing ${options.lintFiles} migration files to lint`);
      lintSet = prepareLint(workDir, options.lintFiles);
    }

    for (let round = 0; round < options.rounds; round++) {
      sampleBackground();
      const bg = backgroundSamples[backgroundSamples.length - 1];
      log(`Round ${round + 1} of ${options.rounds} (other work: ${(bg.busy * 100).toFixed(0)}% CPU busy` +
        `${bg.names.length ? `; ${bg.names.join(", ")} running` : ""})`);
      if (tools) benchApplyAndNoop(cluster, tools, options, round, emptyDir);
      if (big) benchBig(cluster, big, options, round);
      if (contentionLayout) benchContention(cluster, contentionLayout, round, emptyDir);
      if (options.only.includes("compile")) benchCompile(workDir, round);
      if (launcherBins) benchLauncher(workDir, launcherBins, round);
      if (rehearseSource) benchRehearse(cluster, rehearseSource, round, emptyDir);
      if (lintSet) benchLint(lintSet, round, emptyDir);
      if (commandSet) benchCommandNoop(cluster, commandSet, round);
    }

    const rows = summarize();
    const info = { argv, started, needDb, versions: versions(needDb ? cluster : null) };
    const text = report(rows, options, info);
    console.log("");
    console.log(text);
    if (options.results) {
      fs.writeFileSync(path.join(BENCH_DIR, "results.md"), text);
      log("Wrote tests/bench/results.md");
    }
  } finally {
    cleanup();
  }
}

main().catch((e) => {
  if (e instanceof Interrupted) {
    console.error(`\ntests/bench/run: interrupted (${e.message}); the cluster is removed`);
    process.exit(e.message === "SIGTERM" ? 143 : 130);
  }
  // A Ctrl-C can also make a child fail in its own way (psql cancels its
  // query and exits 1); the signal handler, which runs once this stack has
  // unwound, then reports the interruption instead.
  setTimeout(() => {
    console.error(`tests/bench/run: ${e.stack || e.message}`);
    process.exit(1);
  }, 100);
});

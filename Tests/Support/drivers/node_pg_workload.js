// A realistic node-postgres (Debian's node-pg) workload through Warden.
//
// node-pg sends a query without parameters with the simple Query protocol,
// and one with parameters or a name with the extended protocol (a named
// query is parsed once per connection, then only bound and executed).
// pg-cursor, which Debian's node-pg ships, reads a portal a few rows at a time.
//
// Usage: NODE_PATH=…/usr/share/nodejs node node_pg_workload.js HOST PORT DATABASE TOKEN
// Prints one line per step for the Swift test to check; exits non-zero on an
// unexpected error.
'use strict';
const { Client } = require('pg');
const Cursor = require('pg-cursor');

const [host, port, database, token] = process.argv.slice(2, 6);
const settings = { host, port: Number(port), database, user: 'alice', password: token, ssl: { rejectUnauthorized: false } };

const print = (...parts) => console.log(parts.join(' '));
const json = (value) => JSON.stringify(value);

async function refused(client, query) {
  try {
    await client.query(query);
    return 'no';
  } catch (error) {
    return `${error.code} ${error.message}`;
  }
}

function readCursor(cursor, rows) {
  return new Promise((resolve, reject) => cursor.read(rows, (error, result) => (error ? reject(error) : resolve(result))));
}

async function main() {
  const client = new Client(settings);
  await client.connect();
  try {
    print('server', (await client.query('SHOW server_version_num')).rows[0].server_version_num > 0);
    // Unprepared (simple protocol) and with parameters (extended protocol;
    // a Buffer goes in binary format).
    const people = await client.query('SELECT id, name, balance, created FROM driver_people ORDER BY id');
    print('fetch', json(people.rows.map((r) => [r.id, r.name, r.balance, r.created.toISOString()])));
    const parameters = await client.query('SELECT $1::text || $2::text AS joined, $3::bytea AS raw, $4::int[] AS list',
      ["it's ", 'ok', Buffer.from([0, 255]), [1, 2]]);
    const row = parameters.rows[0];
    print('parameters', row.joined, row.raw.toString('hex'), json(row.list));
    const types = await client.query('SELECT raw, tag, doc, scores, ratio, ok, day::text, price FROM driver_types WHERE id = $1', [1]);
    const t = types.rows[0];
    print('types', json([t.raw.toString('hex'), t.tag, t.doc, t.scores, t.ratio, t.ok, t.day, t.price]));
    // A named prepared query: parsed once, then bound and executed again.
    const named = [];
    for (const id of [1, 2, 1]) {
      named.push((await client.query({ name: 'driver_person', text: 'SELECT name FROM driver_people WHERE id = $1', values: [id] })).rows[0].name);
    }
    print('prepared', json(named));
    // Binary results are left out: this node-pg's `binary: true` writes a Bind
    // without its result format code (brianc/node-postgres#3487), which
    // PostgreSQL itself refuses. A Buffer parameter goes in binary (above).

    // A transaction that commits and one that rolls back.
    await client.query('BEGIN');
    await client.query('UPDATE driver_people SET balance = balance + 1 WHERE id = $1', [1]);
    await client.query('INSERT INTO driver_log (note) VALUES ($1), ($2)', ['a', 'b']);
    await client.query('COMMIT');
    await client.query('BEGIN');
    await client.query('UPDATE driver_people SET balance = 0 WHERE id = $1', [2]);
    await client.query('ROLLBACK');
    print('balances', json((await client.query('SELECT balance FROM driver_people ORDER BY id')).rows.map((r) => r.balance)));

    // A cursor: one portal, read a row at a time (Execute with a row limit).
    const cursor = client.query(new Cursor('SELECT note FROM driver_log WHERE note <> $1 ORDER BY note', ['']));
    const batches = [];
    for (let rows = await readCursor(cursor, 1); rows.length > 0; rows = await readCursor(cursor, 1)) {
      batches.push(rows.map((r) => r.note));
    }
    await new Promise((resolve) => cursor.close(resolve));
    print('cursor', json(batches));

    // Refusals arrive as ordinary errors with their SQLSTATE, by either
    // protocol, and the session stays usable.
    print('refused', await refused(client, 'DROP TABLE driver_people'));
    print('refused named', await refused(client, { name: 'driver_drop', text: 'DROP TABLE driver_log' }));
    print('refused with parameters', await refused(client, { text: 'CREATE TABLE driver_intruder AS SELECT $1::int AS id', values: [1] }));
    await client.query('BEGIN');
    await client.query('INSERT INTO driver_log (note) VALUES ($1)', ['rolled back']);
    print('refused in transaction', await refused(client, 'ALTER TABLE driver_log ADD COLUMN extra int'));
    await client.query('ROLLBACK');
    const after = await client.query('SELECT count(*)::int AS people, (SELECT count(*)::int FROM driver_log WHERE note = $1) AS rolled FROM driver_people',
      ['rolled back']);
    print('still there', after.rows[0].people, after.rows[0].rolled);
    print('prepared again', (await client.query({ name: 'driver_person', text: 'SELECT name FROM driver_people WHERE id = $1', values: [2] })).rows[0].name);
  } finally {
    await client.end();
  }

  // LISTEN on one client, NOTIFY from another.
  const listener = new Client(settings);
  const notifier = new Client(settings);
  await listener.connect();
  await notifier.connect();
  try {
    const received = [];
    const both = new Promise((resolve) => {
      listener.on('notification', (message) => {
        received.push([message.channel, message.payload]);
        if (received.length === 2) resolve();
      });
    });
    await listener.query('LISTEN driver_events');
    await notifier.query('SELECT pg_notify($1, $2)', ['driver_events', 'from node-pg']);
    await notifier.query("NOTIFY driver_events, 'second'");
    let timer;
    await Promise.race([both, new Promise((resolve) => { timer = setTimeout(resolve, 10000); })]);
    clearTimeout(timer);
    print('notified', json(received));
  } finally {
    await listener.end();
    await notifier.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// Calls a running Worcr node with @grpc/grpc-js, an independent gRPC implementation, to prove wire compatibility
// of the node's services (worcr.v1 Jobs and Workers, served by Grpc.AspNetCore).
// Usage: node interop.js <address>   (or WORCR_GRPC_ADDRESS); address like http://127.0.0.1:7070 or 127.0.0.1:7070.
// The node must run unauthenticated and know the job type test.echo (the test suite's nodes do).
// Prints one line per check and exits non-zero if any check fails.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.join(__dirname, '..', '..', '..', 'proto');
const CHECK_TIMEOUT_MS = 10000;
const TENANT = 'interop';

function target() {
  const raw = process.argv[2] || process.env.WORCR_GRPC_ADDRESS;
  if (!raw) {
    throw new Error('usage: node interop.js <address>');
  }
  return raw.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

function loadServices() {
  const definition = protoLoader.loadSync(['worcr/v1/jobs.proto', 'worcr/v1/workers.proto'], {
    includeDirs: [PROTO_ROOT], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).worcr.v1;
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function unary(client, method, request, options = {}) {
  return new Promise((resolve, reject) => {
    client[method](request, new grpc.Metadata(), options, (error, reply) => (error ? reject(error) : resolve(reply)));
  });
}

async function expectStatus(promise, code) {
  try {
    await promise;
  } catch (error) {
    assert(error.code === code, `expected status ${code}, got ${error.code}: ${error.details}`);
    return error;
  }
  throw new Error(`expected status ${code}, but the call succeeded`);
}

function enqueue(jobs) {
  return unary(jobs, 'Enqueue', { job: { type: 'test.echo', tenant: TENANT, args_json: '{"from":"grpc-js"}' } });
}

async function checkUnary({ jobs }) {
  const { job_id: id } = await enqueue(jobs);
  assert(id, 'Enqueue returned no job id');
  const { job } = await unary(jobs, 'Get', { job_id: id });
  assert(job.id === id, `Get returned job '${job.id}' for '${id}'`);
}

async function checkErrorStatus({ jobs }) {
  const tenant = 'déjà vu 100%';
  const error = await expectStatus(
    unary(jobs, 'Enqueue', { job: { type: 'test.echo', tenant } }),
    grpc.status.INVALID_ARGUMENT);
  assert(error.details.includes(`'${tenant}'`), `detail came back as '${error.details}'`);
}

// A watch of named jobs streams their states and ends with OK once all are final: here one cancelled job.
async function checkServerStreaming({ jobs }) {
  const { job_id: id } = await enqueue(jobs);
  await unary(jobs, 'Cancel', { job_id: id, reason: 'interop' });
  await new Promise((resolve, reject) => {
    const states = [];
    const call = jobs.Watch({ job_ids: [id] });
    call.on('data', (event) => states.push(event.state_changed && event.state_changed.state));
    call.on('error', reject);
    call.on('status', (status) => {
      if (status.code !== grpc.status.OK) {
        return reject(new Error(`stream ended with ${status.code}: ${status.details}`));
      }
      return states.includes('JOB_STATE_CANCELLED') ? resolve() : reject(new Error(`received states ${states.join(',')}`));
    });
  });
}

// The worker stream, interleaved: Hello → Welcome, then a job → Assign, Complete → Ack, then a clean end.
function checkBidiPingPong({ jobs, workers }) {
  return new Promise((resolve, reject) => {
    const call = workers.Connect();
    let step = 'welcome';
    call.on('data', async (message) => {
      try {
        if (step === 'welcome') {
          assert(message.welcome, `expected Welcome, got ${message.message}`);
          step = 'assign';
          await enqueue(jobs);
        } else if (step === 'assign' && message.assign) {
          step = 'ack';
          const { job_id: jobId, attempt } = message.assign;
          call.write({ request_id: '1', complete: { job_id: jobId, attempt, result_json: '{"ok":true}' } });
        } else if (step === 'ack' && message.ack) {
          assert(message.ack.ok, `the completion was refused: ${message.ack.error}`);
          step = 'end';
          call.end();
        }
      } catch (error) {
        reject(error);
        call.cancel();
      }
    });
    call.on('error', reject);
    call.on('status', (status) => {
      if (status.code === grpc.status.OK && step === 'end') {
        resolve();
      } else {
        reject(new Error(`bidi ended with ${status.code} at step ${step}: ${status.details}`));
      }
    });
    call.write({ hello: { worker_id: `interop-${process.pid}`, job_types: ['test.echo'], capacity: 1, sdk: 'grpc-js-interop' } });
  });
}

// A tenant watch never ends by itself: only the deadline can end it.
function checkDeadline({ jobs }) {
  const deadline = new Date(Date.now() + 300);
  return expectStatus(new Promise((resolve, reject) => {
    const call = jobs.Watch({ tenant: TENANT }, new grpc.Metadata(), { deadline });
    call.on('data', () => {});
    call.on('error', reject);
    call.on('end', resolve);
  }), grpc.status.DEADLINE_EXCEEDED);
}

function checkUnimplemented({ jobs }) {
  const identity = (value) => value;
  return expectStatus(new Promise((resolve, reject) => {
    jobs.makeUnaryRequest('/worcr.v1.Jobs/NoSuchMethod', identity, identity, Buffer.alloc(0),
      (error, reply) => (error ? reject(error) : resolve(reply)));
  }), grpc.status.UNIMPLEMENTED);
}

function checkCancel({ jobs }) {
  return expectStatus(new Promise((resolve, reject) => {
    const call = jobs.Watch({ tenant: TENANT });
    call.on('data', () => {});
    call.on('error', reject);
    call.on('end', resolve);
    setTimeout(() => call.cancel(), 50);
  }), grpc.status.CANCELLED);
}

function withTimeout(promise, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const { Jobs, Workers } = loadServices();
  const address = target();
  const clients = {
    jobs: new Jobs(address, grpc.credentials.createInsecure()),
    workers: new Workers(address, grpc.credentials.createInsecure()),
  };
  const checks = [
    ['unary', checkUnary],
    ['error status and percent-encoded detail', checkErrorStatus],
    ['server streaming', checkServerStreaming],
    ['bidi interleaved ping-pong', checkBidiPingPong],
    ['deadline exceeded', checkDeadline],
    ['unimplemented method', checkUnimplemented],
    ['client cancel', checkCancel],
    ['server still serving', checkUnary],
  ];
  let failures = 0;
  for (const [name, check] of checks) {
    try {
      await withTimeout(check(clients), name);
      console.log(`ok   ${name}`);
    } catch (error) {
      failures += 1;
      console.log(`FAIL ${name}: ${error.message}`);
    }
  }
  clients.jobs.close();
  clients.workers.close();
  console.log(`${checks.length - failures} passed, ${failures} failed`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

// Calls a Worcr.Grpc server with @grpc/grpc-js, an independent gRPC implementation, to prove wire compatibility.
// Usage: node interop.js <address>   (or WORCR_GRPC_ADDRESS); address like http://127.0.0.1:5000 or 127.0.0.1:5000.
// Prints one line per check and exits non-zero if any check fails.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO = path.join(__dirname, '..', '..', 'Worcr.Grpc.Tests', 'Protos', 'tester.proto');
const CHECK_TIMEOUT_MS = 10000;

function target() {
  const raw = process.argv[2] || process.env.WORCR_GRPC_ADDRESS;
  if (!raw) {
    throw new Error('usage: node interop.js <address>');
  }
  return raw.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

function loadTester() {
  const definition = protoLoader.loadSync(PROTO, { keepCase: true, defaults: true });
  return grpc.loadPackageDefinition(definition).worcr.test.Tester;
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

async function checkUnary(client) {
  const reply = await unary(client, 'Echo', { text: 'ping' });
  assert(reply.text === 'ping', `echo returned '${reply.text}'`);
}

async function checkErrorStatus(client) {
  const detail = 'job 42: 100% déjà vu';
  const error = await expectStatus(
    unary(client, 'Echo', { text: detail, status_code: grpc.status.FAILED_PRECONDITION }),
    grpc.status.FAILED_PRECONDITION);
  assert(error.details === detail, `detail came back as '${error.details}'`);
}

function checkServerStreaming(client) {
  return new Promise((resolve, reject) => {
    const indexes = [];
    const call = client.Count({ text: 'n', count: 5 });
    call.on('data', (reply) => indexes.push(reply.index));
    call.on('error', reject);
    call.on('status', (status) => {
      if (status.code !== grpc.status.OK) {
        return reject(new Error(`stream ended with ${status.code}: ${status.details}`));
      }
      const got = indexes.join(',');
      return got === '0,1,2,3,4' ? resolve() : reject(new Error(`received indexes ${got}`));
    });
  });
}

function checkBidiPingPong(client) {
  return new Promise((resolve, reject) => {
    const texts = ['ping-1', 'ping-2', 'ping-3'];
    const call = client.Chat();
    let next = 0;
    call.on('data', (reply) => {
      if (reply.text !== texts[next]) {
        reject(new Error(`expected '${texts[next]}', got '${reply.text}'`));
        call.cancel();
        return;
      }
      next += 1;
      // Interleaved: the next request goes only after the previous reply came back.
      if (next < texts.length) {
        call.write({ text: texts[next] });
      } else {
        call.end();
      }
    });
    call.on('error', reject);
    call.on('status', (status) => {
      if (status.code === grpc.status.OK && next === texts.length) {
        resolve();
      } else {
        reject(new Error(`bidi ended with ${status.code} after ${next} replies: ${status.details}`));
      }
    });
    call.write({ text: texts[0] });
  });
}

async function checkDeadline(client) {
  const deadline = new Date(Date.now() + 300);
  await expectStatus(unary(client, 'WaitForCancel', { text: `interop-${Date.now()}` }, { deadline }), grpc.status.DEADLINE_EXCEEDED);
}

async function checkUnimplemented(client) {
  await expectStatus(unary(client, 'Unmapped', {}), grpc.status.UNIMPLEMENTED);
}

async function checkCancel(client) {
  const call = new Promise((resolve, reject) => {
    const pending = client.WaitForCancel({ text: `interop-cancel-${Date.now()}` }, (error, reply) => (error ? reject(error) : resolve(reply)));
    setImmediate(() => pending.cancel());
  });
  await expectStatus(call, grpc.status.CANCELLED);
}

function withTimeout(promise, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const Tester = loadTester();
  const client = new Tester(target(), grpc.credentials.createInsecure());
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
      await withTimeout(check(client), name);
      console.log(`ok   ${name}`);
    } catch (error) {
      failures += 1;
      console.log(`FAIL ${name}: ${error.message}`);
    }
  }
  client.close();
  console.log(`${checks.length - failures} passed, ${failures} failed`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

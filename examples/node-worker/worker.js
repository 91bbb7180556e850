// A minimal Worcr worker: handles demo.echo by completing each job with its own args.
// Usage: node worker.js [address] [--max-jobs N]   (address also from WORCR_GRPC; token from WORCR_WORKER_TOKEN)
// With WORCR_LIMIT_KEY set, each job first asks for a rate-limit permit on that key (Workers.AcquireLimit).
// The whole protocol is in docs/protocol.md; this file shows how little of it a worker needs.
'use strict';
const path = require('path');
const os = require('os');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const args = process.argv.slice(2);
const maxJobsAt = args.indexOf('--max-jobs');
const maxJobs = maxJobsAt >= 0 ? Number(args.splice(maxJobsAt, 2)[1]) : Infinity;
const address = (args[0] || process.env.WORCR_GRPC || 'http://127.0.0.1:7070').replace(/^https?:\/\//, '').replace(/\/$/, '');
const token = process.env.WORCR_WORKER_TOKEN || '';
const CAPACITY = 4;
const limitKey = process.env.WORCR_LIMIT_KEY || '';

const definition = protoLoader.loadSync('worcr/v1/workers.proto', {
  includeDirs: [path.join(__dirname, '../../proto')],
  longs: Number, defaults: true, oneofs: true,
});
const { Workers } = grpc.loadPackageDefinition(definition).worcr.v1;
const client = new Workers(address, grpc.credentials.createInsecure());

let done = 0;
let nextRequestId = 1;

// A rate limit taken mid-job ("may I call the payment API now?"): one unary call. With wait, the node holds the
// answer until a permit is free (up to maxWait) instead of answering "retry after".
function acquireLimit(key, jobId) {
  const metadata = new grpc.Metadata();
  if (token) metadata.add('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    client.AcquireLimit({ key, cost: 1, wait: true, maxWait: { seconds: 10 }, jobId }, metadata,
      (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function connect() {
  const metadata = new grpc.Metadata();
  if (token) metadata.add('authorization', `Bearer ${token}`);
  const stream = client.Connect(metadata);
  let heartbeat = null;
  let leaving = false;
  let goodbyeId = 0;
  const send = (message) => { if (!stream.writableEnded) stream.write(message); }; // nothing after end()
  const leave = (reason) => {
    if (leaving) return;
    leaving = true;
    clearInterval(heartbeat);
    // The node's Ack of this Goodbye comes after the last job it sends us: our side ends there (see 'ack').
    goodbyeId = nextRequestId++;
    send({ requestId: goodbyeId, goodbye: { reason } });
  };

  // 1. Hello first: who we are, what we handle, how many jobs we take at once (the initial credits).
  send({ hello: { workerId: `${os.hostname()}:${process.pid}:node`, jobTypes: ['demo.echo'], capacity: CAPACITY, token, sdk: 'worcr-node-example/0.1' } });

  stream.on('data', (message) => {
    switch (message.message) {
      case 'welcome': { // 2. Accepted: keep our leases alive with heartbeats.
        const seconds = Number(message.welcome.heartbeatInterval?.seconds || 10);
        heartbeat = setInterval(() => send({ heartbeat: {} }), seconds * 1000);
        console.log(`connected to node ${message.welcome.nodeId}`);
        break;
      }
      case 'assign': { // 3. A job: echo its args back, then give the credit back.
        const job = message.assign;
        if (leaving) { // sent before the node read our Goodbye: hand it back unstarted (no attempt used up)
          send({ requestId: nextRequestId++, yield: { jobId: job.jobId, attempt: job.attempt } });
          break;
        }
        const finish = () => {
          send({ requestId: nextRequestId++, complete: { jobId: job.jobId, attempt: job.attempt, resultJson: job.argsJson || '{}' } });
          done += 1;
          if (done >= maxJobs) leave('max-jobs reached');
          else send({ credit: { n: 1 } });
        };
        if (!limitKey) {
          finish();
          break;
        }
        acquireLimit(limitKey, job.jobId).then((answer) => {
          if (answer.granted) finish();
          else send({ requestId: nextRequestId++, fail: { jobId: job.jobId, attempt: job.attempt, error: 'rate limited', retryable: true, retryAfter: answer.retryAfter } });
        }, (error) => send({ requestId: nextRequestId++, fail: { jobId: job.jobId, attempt: job.attempt, error: `AcquireLimit: ${error.details}`, retryable: false } }));
        break;
      }
      case 'ack': // 4. The node stored an outcome durably (ok), refused it (a stale attempt), or answered our Goodbye.
        if (!message.ack.ok) console.error(`request ${message.ack.requestId} refused: ${message.ack.error}`);
        if (leaving && message.ack.requestId === goodbyeId) stream.end(); // no job can follow: nothing is running (echo jobs finish as they arrive)
        break;
      case 'drain': // 5. The node is going away: leave, then connect again (a load balancer picks another node).
        leave('drain');
        break;
      default: // 'cancel': echo jobs never run long enough to be cancelled.
        break;
    }
  });
  stream.on('error', (error) => console.error(`stream error: ${error.details || error.message}`));
  stream.on('status', () => {
    clearInterval(heartbeat);
    if (done >= maxJobs) {
      console.log(`done: ${done} job(s)`);
      client.close();
    } else {
      setTimeout(connect, 1000); // 6. Lost or drained: reconnect.
    }
  });
}

connect();

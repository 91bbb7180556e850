#!/usr/bin/python3
"""A Worcr worker on Python's grpcio (the C-core gRPC stack), speaking the worker protocol of docs/protocol.md.

Handles demo.echo (completes with its own args) and demo.count (counts to args.n with a progress counter, a
checkpoint and a log line per step; a retry resumes after the last checkpoint). With args.fail_once_at = K, the
first attempt fails (retryable) right after saving step K, so the next attempt shows the resume.

Usage: /usr/bin/python3 worker.py [address] [--max-jobs N] [--proto DIR]
  address   host:port or http://host:port of a node's gRPC port (default WORCR_GRPC, else 127.0.0.1:7070)
  token     WORCR_WORKER_TOKEN, sent in Hello and as 'authorization: Bearer <token>'
Needs Debian's python3-grpcio, python3-protobuf and python3-grpc-tools. The stubs are generated from proto/ at
every start into a temporary directory, so they always match the contract and never sit in the tree.
"""
import argparse
import glob
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CAPACITY = 4
JOB_TYPES = ['demo.echo', 'demo.count']
# Codes that reconnecting cannot fix (docs/protocol.md 3.1): stop and say why.
FATAL_CODES = ('UNAUTHENTICATED', 'INVALID_ARGUMENT', 'PERMISSION_DENIED')


def generate_stubs(proto_dir, out_dir):
    protos = sorted(glob.glob(os.path.join(proto_dir, 'worcr', 'v1', '*.proto')))
    if not protos:
        sys.exit(f'no worcr/v1/*.proto under {proto_dir}: pass --proto DIR')
    subprocess.run([sys.executable, '-m', 'grpc_tools.protoc', '-I', proto_dir,
                    f'--python_out={out_dir}', f'--grpc_python_out={out_dir}', *protos], check=True)
    sys.path.insert(0, out_dir)


class PendingAck:
    """The node's answer to one message sent with a request id; ends as 'stream lost' if the stream ends first."""

    def __init__(self):
        self.answered, self.ok, self.error, self.retryable = threading.Event(), False, 'stream lost', False

    def wait(self):
        self.answered.wait()
        return self.ok, self.error


class Stream:
    """One Workers.Connect call: an outbox the gRPC thread drains, acks awaited by request id, jobs on threads."""

    def __init__(self, worker):
        self.worker = worker
        self.outbox = queue.Queue()
        self.lock = threading.Lock()
        self.next_request_id = 1
        self.acks = {}  # request id -> PendingAck
        self.cancelled = set()
        self.running = 0
        self.leaving = False
        self.goodbye_answered = False
        self.closed = threading.Event()

    def send(self, want_ack=False, **fields):
        """Queues a WorkerMessage; with want_ack, gives it a request id and returns its PendingAck."""
        pending, request_id = None, 0
        with self.lock:
            if want_ack:
                request_id, self.next_request_id = self.next_request_id, self.next_request_id + 1
                pending = self.acks[request_id] = PendingAck()
                if self.closed.is_set():
                    pending.answered.set()  # no Ack can come on a stream that has ended
        self.outbox.put(self.worker.pb.WorkerMessage(request_id=request_id, **fields))
        return pending

    def requests(self):
        while (message := self.outbox.get()) is not None:
            yield message

    def run(self, stub, metadata):
        pb = self.worker.pb
        self.send(hello=pb.Hello(worker_id=f'{socket.gethostname()}:{os.getpid()}:python', job_types=JOB_TYPES,
                                 capacity=CAPACITY, token=self.worker.token, sdk='worcr-python-example/0.1'))
        try:
            for message in stub.Connect(self.requests(), metadata=metadata):
                kind = message.WhichOneof('message')
                if kind == 'welcome':
                    print(f'connected to node {message.welcome.node_id}', flush=True)
                    beat = message.welcome.heartbeat_interval
                    interval = beat.seconds + beat.nanos / 1e9 or 10
                    threading.Thread(target=self.heartbeat, args=(interval,), daemon=True).start()
                elif kind == 'assign':
                    self.start_job(message.assign)
                elif kind == 'ack':
                    self.on_ack(message.ack)
                elif kind == 'cancel':
                    with self.lock:
                        self.cancelled.add(message.cancel.job_id)
                elif kind == 'drain':
                    self.leave('drain')
        finally:
            with self.lock:
                self.closed.set()
                for pending in self.acks.values():
                    pending.answered.set()
            self.outbox.put(None)

    def heartbeat(self, interval):
        while not self.closed.wait(interval):
            self.send(heartbeat=self.worker.pb.Heartbeat())

    def on_ack(self, ack):
        with self.lock:
            pending = self.acks.pop(ack.request_id, None)
        if pending is None:
            return
        pending.ok, pending.error, pending.retryable = ack.ok, ack.error, ack.retryable
        pending.answered.set()
        if not ack.ok:
            print(f'request {ack.request_id} refused: {ack.error}', file=sys.stderr, flush=True)

    def start_job(self, assign):
        with self.lock:
            leaving = self.leaving
            self.running += 0 if leaving else 1
        if leaving:  # an Assign already on its way when we said Goodbye: hand it back unstarted
            self.send(**{'yield': self.worker.pb.Yield(job_id=assign.job_id, attempt=assign.attempt)})
            return
        threading.Thread(target=self.run_job, args=(assign,), daemon=True).start()

    def run_job(self, assign):
        job = Job(self, assign)
        try:
            outcome = job.run()
        except Exception as error:  # a bug in a handler: the attempt fails, the worker goes on
            outcome = job.fail(repr(error), retryable=True)
        if outcome == 'completed' and self.worker.count_done():
            self.leave('max-jobs reached')
        elif not self.leaving:
            self.send(credit=self.worker.pb.Credit(n=1))  # one job finished: one more may come
        with self.lock:
            self.running -= 1
            finished = self.leaving and self.goodbye_answered and self.running == 0
        if finished:
            self.outbox.put(None)  # ends the request stream; the node then ends the call with OK

    def leave(self, reason):
        with self.lock:
            if self.leaving:
                return
            self.leaving = True
        # The node's Ack of the Goodbye follows the last job it sends us: our side ends once it came and nothing runs.
        goodbye = self.send(want_ack=True, goodbye=self.worker.pb.Goodbye(reason=reason))
        threading.Thread(target=self.end_after, args=(goodbye,), daemon=True).start()

    def end_after(self, goodbye):
        goodbye.wait()
        with self.lock:
            self.goodbye_answered = True
            finished = self.running == 0
        if finished:
            self.outbox.put(None)


class Job:
    """One attempt of one job: everything it says quotes its job id and attempt."""

    def __init__(self, stream, assign):
        self.stream, self.assign, self.pb = stream, assign, stream.worker.pb
        self.ids = {'job_id': assign.job_id, 'attempt': assign.attempt}

    def run(self):
        args = json.loads(self.assign.args_json or '{}')
        if self.assign.type == 'demo.echo':
            self.log('info', f'echo {self.assign.args_json}')
            return self.complete(args)
        return self.count(int(args.get('n', 10)), int(args.get('fail_once_at', 0)))

    def count(self, n, fail_once_at):
        start = int(self.assign.checkpoints.get('step', '0'))
        if start:
            self.log('info', f'resuming after step {start} of {n} (attempt {self.assign.attempt})')
        for step in range(start + 1, n + 1):
            if self.assign.job_id in self.stream.cancelled:
                return self.fail('cancelled', retryable=False)
            self.stream.send(progress=self.pb.Progress(name='steps', current=step, total=n, **self.ids))
            saving = self.stream.send(want_ack=True, checkpoint=self.pb.Checkpoint(name='step', value=str(step), **self.ids))
            ok, _ = saving.wait()
            if not ok and not saving.retryable:
                return 'refused'  # a stale attempt (someone else runs the job now) or a lost stream
            # Refused as retryable (PostgreSQL unavailable): the step is done and the attempt still runs; only this
            # checkpoint was not saved, and the next one saves past it.
            self.log('info', f'counted {step} of {n}')
            if step == fail_once_at and self.assign.attempt == 1:
                return self.fail(f'planned failure after step {step}; the next attempt resumes there', retryable=True)
        return self.complete({'counted': n, 'resumed_from': start, 'attempt': self.assign.attempt})

    def log(self, level, text):
        self.stream.send(log=self.pb.Log(level=level, text=text, **self.ids))

    def complete(self, result):
        ok, _ = self.stream.send(want_ack=True, complete=self.pb.Complete(result_json=json.dumps(result), **self.ids)).wait()
        return 'completed' if ok else 'refused'

    def fail(self, error, retryable):
        self.log('warn' if retryable else 'error', error)
        self.stream.send(want_ack=True, fail=self.pb.Fail(error=error, retryable=retryable, **self.ids)).wait()
        return 'failed'


class Worker:
    def __init__(self, address, token, max_jobs):
        import grpc
        from worcr.v1 import workers_pb2, workers_pb2_grpc
        self.grpc, self.pb = grpc, workers_pb2
        self.token, self.max_jobs, self.done = token, max_jobs, 0
        self.done_lock = threading.Lock()
        # C-core honours http_proxy for any address; a worker talks to its node directly.
        self.channel = grpc.insecure_channel(address, options=[('grpc.enable_http_proxy', 0)])
        self.stub = workers_pb2_grpc.WorkersStub(self.channel)

    def count_done(self):
        """Counts a completed job; True when the worker has done what --max-jobs asked."""
        with self.done_lock:
            self.done += 1
            return self.max_jobs is not None and self.done >= self.max_jobs

    def run(self):
        metadata = [('authorization', f'Bearer {self.token}')] if self.token else []
        delay = 0.1
        while self.max_jobs is None or self.done < self.max_jobs:
            try:
                Stream(self).run(self.stub, metadata)
                delay = 0.1  # ended cleanly (drained): connect again at once
            except self.grpc.RpcError as error:
                if error.code().name in FATAL_CODES:
                    print(f'stopped: {error.code().name}: {error.details()}', file=sys.stderr, flush=True)
                    return 2
                print(f'stream lost ({error.code().name}: {error.details()}); reconnecting in {delay:.1f} s', file=sys.stderr, flush=True)
                time.sleep(delay)
                delay = min(delay * 2, 5)
        print(f'done: {self.done} job(s)', flush=True)
        self.channel.close()
        return 0


def main():
    parser = argparse.ArgumentParser(description='A Worcr worker on Python grpcio.')
    parser.add_argument('address', nargs='?', default=os.environ.get('WORCR_GRPC', '127.0.0.1:7070'))
    parser.add_argument('--max-jobs', type=int, default=None, help='leave after completing N jobs')
    parser.add_argument('--proto', default=os.path.join(HERE, '..', '..', 'proto'), help='the directory holding worcr/v1/*.proto')
    options = parser.parse_args()
    address = options.address.removeprefix('http://').removeprefix('https://').rstrip('/')
    with tempfile.TemporaryDirectory(prefix='worcr-stubs-') as stubs:
        generate_stubs(os.path.abspath(options.proto), stubs)
        return Worker(address, os.environ.get('WORCR_WORKER_TOKEN', ''), options.max_jobs).run()


if __name__ == '__main__':
    sys.exit(main())

package org.den4j.loop;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Threads that take jobs from the {@link JobQueue} and run them: inside a server ({@code --workers N}) or as
 * a process of its own ({@code ./jbang loop worker}).
 *
 * <p>While a job runs its lease is renewed every third of the lease; if the process dies, the lease runs
 * out and another worker takes the job again. Whoever starts a worker closes it; closing stops claiming
 * and waits for running jobs up to the lease.
 */
public final class Worker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    private final JobQueue queue;
    private final Map<String, JobHandler> handlers;
    private final Duration lease;
    private final Duration poll;
    private final String name;
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService heartbeats;
    private volatile boolean running = true;
    private final Object wake = new Object();

    /**
     * Starts {@code threads} worker threads.
     *
     * @param handlers the handler of each job kind; a claimed job of another kind fails with a message
     * @param lease how long a claim holds without a heartbeat
     * @param poll how long an idle thread waits before looking again
     */
    public Worker(JobQueue queue, Map<String, JobHandler> handlers, int threads, Duration lease, Duration poll) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.handlers = Map.copyOf(handlers);
        this.lease = lease;
        this.poll = poll;
        this.name = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "den4j-loop-heartbeat");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::loop, "den4j-loop-worker-" + i);
            t.setDaemon(true);
            this.threads.add(t);
            t.start();
        }
    }

    /** This worker's name, stored as {@code locked_by} of the jobs it holds: {@code pid@host/random}. */
    public String name() {
        return name;
    }

    /** Wakes idle threads to look for a job now (a job was just queued). */
    public void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            Optional<JobQueue.Claim> claim;
            try {
                claim = queue.claim(name, lease);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Claiming a job failed: " + e.getMessage());
                claim = Optional.empty();
            }
            if (claim.isEmpty()) {
                synchronized (wake) {
                    try {
                        wake.wait(poll.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                continue;
            }
            run(claim.get());
        }
    }

    private void run(JobQueue.Claim claim) {
        long every = Math.max(50, lease.toMillis() / 3);
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                queue.heartbeat(claim, lease);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Heartbeat of job " + claim.id() + " failed: " + e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        try {
            JobHandler handler = handlers.get(claim.kind());
            if (handler == null) {
                throw new LoopException("No worker handles jobs of kind '" + claim.kind() + "' (an upload whose "
                        + "server stopped before it finished: upload the file again)");
            }
            handler.run(claim);
        } catch (JobQueue.LostLeaseException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.log(System.Logger.Level.WARNING, "Job " + claim.id() + " (" + claim.kind() + ") attempt "
                    + claim.attempt() + " failed: " + message);
            try {
                queue.fail(claim, message, Duration.ofSeconds(1), !(e instanceof LoopInputException));
            } catch (RuntimeException f) {
                LOG.log(System.Logger.Level.WARNING, "Recording the failure of job " + claim.id() + " failed: "
                        + f.getMessage());
            }
        } finally {
            beat.cancel(false);
        }
    }

    /** Stops claiming, waits up to the lease for running jobs, then stops the heartbeats. */
    @Override
    public void close() {
        running = false;
        wake();
        long deadline = System.nanoTime() + lease.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        heartbeats.shutdownNow();
    }
}

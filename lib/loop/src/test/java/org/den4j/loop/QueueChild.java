package org.den4j.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;

/** A worker in its own JVM for {@link JobQueueTest}: it takes a "sleep" job and sleeps until it is killed. */
public final class QueueChild {
    private QueueChild() {
    }

    public static void main(String[] args) throws Exception {
        LoopDatabase db = LoopDatabase.open(LoopDatabase.Location.url(args[0]), 2);
        JobQueue queue = new JobQueue(db, new ObjectMapper());
        Worker worker = new Worker(queue, Map.of("sleep", claim -> {
            System.out.println("claimed " + claim.id());
            System.out.flush();
            Thread.sleep(600_000);
            return null;
        }), 1, Duration.ofMillis(Long.parseLong(args[1])), Duration.ofMillis(100));
        Thread.sleep(600_000);
        worker.close();
    }
}

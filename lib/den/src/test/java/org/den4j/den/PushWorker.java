package org.den4j.den;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A separate process for concurrency tests: pushes and fetches models in a den.
 *
 * <p>Arguments: den path, worker id, rounds, and a mode: {@code mixed} pushes models shared by all
 * workers and models of its own, {@code big} pushes one large model slowly (to be killed).
 */
public final class PushWorker {
    private PushWorker() {
    }

    public static void main(String[] args) throws Exception {
        Path den = Path.of(args[0]);
        int id = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        String mode = args[3];
        Path work = Files.createTempDirectory("worker" + id);
        try (Den d = Den.at(den)) {
            if (mode.equals("big")) {
                Path dir = Files.createDirectories(work.resolve("big"));
                byte[] block = new byte[1 << 20];
                Random random = new Random(id);
                for (int f = 0; f < rounds; f++) {
                    random.nextBytes(block);
                    Files.write(dir.resolve("shard-" + f + ".bin"), block);
                }
                System.out.println("ready");
                System.out.flush();
                d.push(PushRequest.builder(dir, "acme/big").build());
                System.out.println("pushed");
                return;
            }
            for (int r = 0; r < rounds; r++) {
                // Shared: every worker pushes the same content under the same name.
                Path shared = Files.createDirectories(work.resolve("shared-" + r));
                Files.writeString(shared.resolve("config.json"), "{\"round\":" + r + "}");
                Files.writeString(shared.resolve("weights.bin"), "shared weights " + r);
                PushResult s = d.push(PushRequest.builder(shared, "acme/shared").build());
                // Own: content only this worker has, under a name all workers use.
                Path own = Files.createDirectories(work.resolve("own-" + r));
                Files.writeString(own.resolve("config.json"), "{\"worker\":" + id + ",\"round\":" + r + "}");
                Files.writeString(own.resolve("weights.bin"), "shared weights " + r);
                PushResult o = d.push(PushRequest.builder(own, "acme/common").parent(s.model().ref()).build());
                Path fetched = d.fetch(o.model().ref());
                if (!Files.readString(fetched.resolve("config.json")).contains("\"worker\":" + id)) {
                    throw new AssertionError("fetched wrong content for " + o.model().ref());
                }
                d.alias("acme/common", "latest-" + id, o.model().version());
                System.out.println(s.model().ref() + " " + o.model().ref());
            }
        }
    }
}

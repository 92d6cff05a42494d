package org.rapaio.jupyter.kernel.channels;

import java.util.logging.Logger;

/**
 * Drop-in replacement for rapaio-jupyter-kernel 3.0.1's {@code LoopThread}, the thread behind
 * each ZeroMQ channel of the kernel. tools/install-kernel compiles it and puts it before the
 * kernel jar on the classpath.
 *
 * <p>The original sets {@code running = true} after {@code Thread.start()}, so on a busy machine
 * a channel's thread can read {@code false} first and end at once. When that hits the shell
 * channel the kernel never answers, and when it hits the heartbeat channel the kernel looks
 * dead: headless runs fail at start with "Kernel didn't respond in 60 seconds" or "Kernel died
 * before replying to kernel_info" (seen in about one run in three on a loaded 2-core machine).
 * Also, a message that arrives before the kernel registers its handlers threw a
 * NullPointerException that ended the shell loop for good; here one failed pass is logged and
 * the loop goes on (Jupyter re-sends kernel_info_request until it gets a reply).
 *
 * <p>Same constructor and methods as the original, so the kernel's channels use it unchanged.
 */
public final class LoopThread extends Thread {

    private static final Logger LOGGER = Logger.getLogger(LoopThread.class.getSimpleName());

    private volatile boolean running = false;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            try {
                loopBody.run();
            } catch (RuntimeException e) {
                if (running) {
                    LOGGER.severe(getName() + ": loop pass failed, continuing: " + e);
                }
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        // Before super.start(): the new thread must see running == true on its first check.
        running = true;
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}

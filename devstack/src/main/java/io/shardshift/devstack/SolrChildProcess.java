package io.shardshift.devstack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A SolrCloud in a child JVM running {@link DevSolrMain}: started with this JVM's {@code java} and class path,
 * driven over the child's standard input and output. Closing its standard input stops it; so does this JVM's
 * death, since the child's standard input then ends.
 */
final class SolrChildProcess implements DevSolr.Nodes {
    private static final Logger LOG = LoggerFactory.getLogger(SolrChildProcess.class);
    private static final long START_TIMEOUT_SECONDS = 120;
    private static final long COMMAND_TIMEOUT_SECONDS = 90;
    private static final long STOP_TIMEOUT_SECONDS = 30;
    /** Marks the end of the child's output in the reply queue. */
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final Writer stdin;
    private final Path log;
    private final Map<String, String> values;
    private final BlockingQueue<String> replies;

    private SolrChildProcess(Process process, Path log, Map<String, String> values, BlockingQueue<String> replies) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.log = log;
        this.values = values;
        this.replies = replies;
    }

    static SolrChildProcess start(int nodes) {
        Path logs = Path.of(System.getProperty("java.io.tmpdir"), "devsolr-logs");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx1g", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), DevSolrMain.class.getName(), Integer.toString(nodes)));
        Process process;
        Path log;
        try {
            Files.createDirectories(logs);
            log = Files.createTempFile(logs, "child-", ".log");
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for SolrCloud", e);
        }
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        Map<String, String> values = new HashMap<>();
        Thread reader = new Thread(() -> readOutput(process, replies), "devsolr-child-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        try {
            while (true) {
                String line = replies.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals(EOF)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("SolrCloud's JVM " + (line == null ? "did not report ready within "
                            + START_TIMEOUT_SECONDS + " s" : "exited with status " + process.waitFor())
                            + "; its log: " + log + "\n" + tail(log));
                }
                if (line.equals(DevSolrMain.READY)) {
                    break;
                }
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(DevSolrMain.PREFIX.length(), eq), line.substring(eq + 1));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while starting SolrCloud's JVM", e);
        }
        LOG.info("SolrCloud with {} node(s) up in a child JVM (pid {}), zkHost={}, log {}", nodes, process.pid(),
                values.get("zkHost"), log);
        return new SolrChildProcess(process, log, values, replies);
    }

    /** Passes the child's protocol lines on; its other output goes to the debug log. */
    private static void readOutput(Process process, BlockingQueue<String> replies) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(DevSolrMain.PREFIX)) {
                    replies.add(line);
                } else {
                    LOG.debug("solr child: {}", line);
                }
            }
        } catch (IOException e) {
            LOG.debug("reading the Solr child's output ended: {}", e.toString());
        } finally {
            replies.add(EOF);
        }
    }

    /** The child's process id. */
    long pid() {
        return process.pid();
    }

    @Override
    public String zkHost() {
        return values.get("zkHost");
    }

    @Override
    public String zkHostPort() {
        return values.get("zkHostPort");
    }

    @Override
    public List<String> baseUrls() {
        return Arrays.asList(values.get("baseUrls").split(","));
    }

    @Override
    public Path baseDir() {
        return Path.of(values.get("baseDir"));
    }

    @Override
    public void stopNode(int index) {
        command("stop " + index);
    }

    @Override
    public void restartNode(int index) {
        command("restart " + index);
    }

    private synchronized void command(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
            String reply = replies.poll(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (reply == null || reply.equals(EOF) || !reply.equals(DevSolrMain.OK)) {
                throw new IllegalStateException("SolrCloud's JVM did not do '" + command + "': "
                        + (reply == null ? "no answer within " + COMMAND_TIMEOUT_SECONDS + " s" : reply) + " (log " + log + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send '" + command + "' to SolrCloud's JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while SolrCloud's JVM did '" + command + "'", e);
        }
    }

    /** Closes the child's standard input (it stops its cluster and exits); SIGTERM, then SIGKILL, if it hangs. */
    @Override
    public void shutdown() {
        try {
            stdin.close();
        } catch (IOException e) {
            LOG.debug("closing the Solr child's input: {}", e.toString());
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("SolrCloud's JVM (pid {}) did not stop within {} s; terminating it", process.pid(), STOP_TIMEOUT_SECONDS);
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }
}

package io.shardshift.tools.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.testkit.ChildJvm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code shardshift migrate} running in a JVM of its own, started by the chaos suite so that its faults are real:
 * {@link #kill()} is a {@code kill -9}, {@link #suspend()} and {@link #resume()} are {@code SIGSTOP} and
 * {@code SIGCONT}. Talks to the migrator through its HTTP API (status, cutover, rollback). Its output is appended to
 * one log file across restarts.
 */
final class MigratorProcess implements AutoCloseable {
    private static final Pattern API_URL = Pattern.compile("dashboard and API: (http://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "chaos-token-0123456789abcdef";

    private final Process process;
    private final Path log;
    private final long logStart;
    private final String migration;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String url;

    private MigratorProcess(Process process, Path log, long logStart, String migration) {
        this.process = process;
        this.log = log;
        this.logStart = logStart;
        this.migration = migration;
    }

    /**
     * Starts {@code shardshift migrate} on the spec and state directory.
     *
     * @param stepHook {@code <kind>:<step>} at which the process halts (or holds), or {@code null}
     * @param hold     hold at the step instead of halting
     * @param migrateArgs more arguments to {@code migrate}
     */
    static MigratorProcess start(String migration, Path specFile, Path state, Path log, String password,
                                 String stepHook, boolean hold, List<String> migrateArgs) throws IOException {
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseSerialGC"));
        if (stepHook != null) {
            jvmOptions.add("-Dshardshift.test.afterStep=" + stepHook);
            jvmOptions.add("-Dshardshift.test.afterStepAction=" + (hold ? "hold" : "halt"));
        }
        List<String> args = new ArrayList<>(
                List.of("migrate", "--spec=" + specFile, "--state-dir=" + state, "--status-every=PT2S", "--http-port=0"));
        args.addAll(migrateArgs);
        List<String> cmd = ChildJvm.command(jvmOptions, ShardshiftCli.class, args);
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("SHARDSHIFT_DEMO_PASSWORD", password);
        pb.environment().put("SHARDSHIFT_API_TOKEN", TOKEN);
        pb.environment().put("CI", "true");
        return new MigratorProcess(pb.start(), log, logStart, migration);
    }

    /** Waits until the API answers; throws if the process exits first or {@code timeout} passes. */
    MigratorProcess awaitApi(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (url == null) {
            Matcher m = API_URL.matcher(output());
            if (m.find()) {
                url = m.group(1).replaceAll("/+$", "");
            } else if (!process.isAlive()) {
                throw new IllegalStateException("the migrator exited with " + process.exitValue() + " before its API was up; see " + log);
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the migrator's API was not up after " + timeout + "; see " + log);
            } else {
                Thread.sleep(200);
            }
        }
        return this;
    }

    /** This process's part of the log. */
    String output() throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(logStart, all.length), (int) Math.max(0, all.length - logStart));
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit code, if the process has ended. */
    Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** Waits for the process to end by itself (a step hook's halt); true if it did within {@code timeout}. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code kill -9}: no shutdown hook, no clean close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** {@code SIGSTOP}: the process hangs, its connections stay open. */
    void suspend() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** {@code SIGCONT}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** {@code GET /v1/migration/status}: phase, lag, dead letters. */
    JsonNode status() throws IOException, InterruptedException {
        return call("GET", "/v1/migration/status", null, Duration.ofSeconds(10)).body();
    }

    /** The generation the migrator's cutover controller says is live (waits up to 60 s for its routes). */
    long liveGeneration() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Answer a = call("GET", "/v1/rebalance/status?id=" + migration, null, Duration.ofSeconds(10));
            if (a.ok() && a.body().path("liveGeneration").isNumber()) {
                return a.body().path("liveGeneration").asLong();
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("no live generation from the migrator: " + a.status() + " " + a.body());
            }
            Thread.sleep(500);
        }
    }

    /** {@code POST /v1/cutover}: waits for the gates and the switch; the answer's status and body. */
    Answer cutover(Duration timeout) throws IOException, InterruptedException {
        return call("POST", "/v1/cutover", "{}", timeout);
    }

    /** {@code POST /v1/rebalance/rollback}. */
    Answer rollback(Duration timeout) throws IOException, InterruptedException {
        return call("POST", "/v1/rebalance/rollback", "{\"id\":\"" + migration + "\",\"reason\":\"chaos\"}", timeout);
    }

    /** An HTTP answer of the API. */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status == 200;
        }
    }

    private Answer call(String method, String path, String body, Duration timeout) throws IOException, InterruptedException {
        if (url == null) {
            throw new IllegalStateException("the migrator's API is not up");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout)
                .header("Authorization", "Bearer " + TOKEN).header("Accept", "application/json");
        b = body == null ? b.GET() : b.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = sendRetryingReads(b.build(), method);
        JsonNode json = r.body() == null || r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
        return new Answer(r.statusCode(), json);
    }

    /** Sends; a read ({@code GET}) that cannot connect is tried again up to 5 times, 1 s apart (a busy host). */
    private HttpResponse<String> sendRetryingReads(HttpRequest request, String method) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException e) {
                if (!"GET".equals(method) || attempt >= 5 || !process.isAlive()) {
                    throw new java.net.ConnectException("cannot connect to the migrator at " + request.uri() + " (pid "
                            + process.pid() + (process.isAlive() ? ", alive" : ", ended") + ")");
                }
                Thread.sleep(1_000);
            }
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 30 s), resuming it first in case it was suspended. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        try {
            resume();
        } catch (IOException | RuntimeException e) {
            // it may have ended meanwhile
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}

package io.shardshift.devstack;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main class of the child JVM {@link DevSolr#startOutOfProcess(int)} runs: starts a {@link DevSolr} with
 * {@code args[0]} nodes (default 2) in this JVM, prints its addresses on standard output as
 * {@code devsolr:zkHost=...}, {@code devsolr:zkHostPort=...}, {@code devsolr:baseUrls=<url>,<url>},
 * {@code devsolr:baseDir=...}, then {@code devsolr:ready}; then reads commands on standard input, one a line:
 * {@code stop <i>} and {@code restart <i>} (a node; answered {@code devsolr:ok} or {@code devsolr:error <why>}).
 * It stops the cluster and exits when standard input ends (the parent closed it, or died) or on SIGTERM.
 */
public final class DevSolrMain {
    static final String PREFIX = "devsolr:";
    static final String READY = PREFIX + "ready";
    static final String OK = PREFIX + "ok";
    static final String ERROR = PREFIX + "error ";

    private DevSolrMain() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        DevSolr solr = DevSolr.start(nodes);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable stop = () -> {
            if (closed.compareAndSet(false, true)) {
                solr.close();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "devsolr-stop"));
        say("zkHost=" + solr.zkHost());
        say("zkHostPort=" + solr.zkHostPort());
        say("baseUrls=" + String.join(",", solr.baseUrls()));
        say("baseDir=" + solr.baseDir());
        System.out.println(READY);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.trim().split("\\s+");
            try {
                if (parts.length == 2 && parts[0].equals("stop")) {
                    solr.stopNode(Integer.parseInt(parts[1]));
                } else if (parts.length == 2 && parts[0].equals("restart")) {
                    solr.restartNode(Integer.parseInt(parts[1]));
                } else {
                    throw new IllegalArgumentException("unknown command '" + line + "' (stop <i> or restart <i>)");
                }
                System.out.println(OK);
            } catch (RuntimeException e) {
                System.out.println(ERROR + String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
            }
            System.out.flush();
        }
        stop.run();
        System.exit(0);
    }

    private static void say(String line) {
        System.out.println(PREFIX + line);
    }
}

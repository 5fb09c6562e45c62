package org.vnarchive.solr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.embedded.JettyConfig;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs Apache Solr with vnarchive's core on Jetty, in the foreground, until SIGTERM/SIGINT.
 *
 * <pre>
 *   Launcher --port 8983 --home solr/home --var instance/var/solr [--host 127.0.0.1]
 * </pre>
 *
 * <p>The solr home given by {@code --home} is a template: it is copied into {@code VAR/home}
 * at every start (so a changed schema takes effect on restart), and the index lives in
 * {@code VAR/data/<core>}, which nothing here ever deletes. Solr answers at
 * {@code http://HOST:PORT/solr}. On SIGTERM the JVM's shutdown hook stops Jetty and closes the
 * cores (committing what was indexed) before the JVM exits.
 */
public final class Launcher {

  private Launcher() {}

  public static void main(String[] args) throws Exception {
    int port = 8983;
    String host = "127.0.0.1";
    Path template = Path.of("home");
    Path var = Path.of("var");
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value);
        case "--host" -> host = value;
        case "--home" -> template = Path.of(value);
        case "--var" -> var = Path.of(value);
        default -> {
          System.err.println("usage: Launcher --port N --home DIR --var DIR [--host ADDR]");
          System.exit(2);
        }
      }
      i++;
    }
    template = template.toAbsolutePath().normalize();
    var = var.toAbsolutePath().normalize();
    Path home = var.resolve("home");
    Path data = var.resolve("data");
    Files.createDirectories(data);
    copyTree(template, home);

    // Read by core.properties (dataDir) and solr.xml; allowPaths lets cores keep their
    // index outside the solr home.
    System.setProperty("vnarchive.data.dir", data.toString());
    System.setProperty("solr.allowPaths", data.toString());
    System.setProperty("solr.solr.home", home.toString());
    System.setProperty("solr.log.dir", var.resolve("logs").toString());
    System.setProperty("jetty.host", host);
    System.setProperty("host", host);

    long started = System.nanoTime();
    // JettySolrRunner listens on 127.0.0.1 only. For another address (a container's
    // 0.0.0.0), it gets a free loopback port and a second connector listens on host:port.
    boolean loopback = host.equals("127.0.0.1") || host.equals("localhost");
    JettyConfig config =
        JettyConfig.builder().setPort(loopback ? port : 0).setContext("/solr").build();
    Runner solr = new Runner(home.toString(), config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    solr.stop();
                  } catch (Exception error) {
                    error.printStackTrace();
                  } finally {
                    stopped.countDown();
                  }
                },
                "vnarchive-solr-shutdown"));
    solr.start();
    if (!loopback) {
      Server server = solr.handlers.getServer();
      ServerConnector connector =
          new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration()));
      connector.setHost(host);
      connector.setPort(port);
      server.addConnector(connector);
      connector.start();
    }
    System.out.printf(
        "vnarchive Solr %s ready at http://%s:%d/solr in %.1f s (home %s, data %s)%n",
        org.apache.solr.core.SolrCore.class.getPackage().getImplementationVersion(),
        host,
        loopback ? solr.getLocalPort() : port,
        (System.nanoTime() - started) / 1e9,
        home,
        data);
    System.out.flush();
    stopped.await();
  }

  /** JettySolrRunner, keeping its handler chain: the way to its Jetty server. */
  private static final class Runner extends JettySolrRunner {
    private volatile HandlerWrapper handlers;

    Runner(String home, JettyConfig config) {
      super(home, config);
    }

    @Override
    protected HandlerWrapper injectJettyHandlers(HandlerWrapper chain) {
      handlers = chain;
      return chain;
    }
  }

  /** Copy the template solr home into VAR/home, replacing what an earlier start copied. */
  private static void copyTree(Path source, Path target) throws IOException {
    if (!Files.isDirectory(source.resolve("vnarchive"))
        || !Files.exists(source.resolve("solr.xml"))) {
      throw new IOException("not a vnarchive solr home (solr.xml, vnarchive/): " + source);
    }
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(target.resolve(source.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            try {
              Files.copy(
                  file,
                  target.resolve(source.relativize(file).toString()),
                  StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException error) {
              throw new UncheckedIOException(error);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}

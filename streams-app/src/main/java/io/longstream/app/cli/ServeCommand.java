package io.longstream.app.cli;

import io.longstream.app.LongstreamApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code longstream serve [--name=value...]}: runs the service until it is stopped (Ctrl-C, SIGTERM). */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the service. Without --spring.kafka.bootstrap-servers=HOST:PORT it starts an embedded Kafka broker.",
      "Any --name=value is a Spring Boot property, e.g. --longstream.streaming.chunk=128 --server.port=8081."
    })
final class ServeCommand implements Callable<Integer> {

  @Unmatched private List<String> springArgs = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    SpringApplication application = new SpringApplication(LongstreamApplication.class);
    application.addListeners(event -> {
      if (event instanceof ContextClosedEvent) {
        closed.countDown();
      }
    });
    ConfigurableApplicationContext context = application.run(springArgs.toArray(String[]::new));
    if (context.isActive()) {
      // main() calls System.exit() with our return value: return only once the service has stopped.
      closed.await();
    }
    return 0;
  }
}

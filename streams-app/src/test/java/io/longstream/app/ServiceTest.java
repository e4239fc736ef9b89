package io.longstream.app;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The one Spring context of the service tests: the whole service on a random port with its real embedded
 * KRaft broker, topics of one partition (so one document's records are in order) and a 16 KB document
 * limit. Every class annotated with it shares the same cached context and broker, so the broker and the
 * model start once per test run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
    classes = LongstreamApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "longstream.broker.data-dir=target/it/kafka-${random.uuid}",
      "spring.kafka.streams.state-dir=target/it/streams-${random.uuid}",
      "spring.security.user.password=" + ServiceTest.PASSWORD,
      "longstream.topics.partitions=1",
      "longstream.limits.max-document-bytes=" + ServiceTest.MAX_DOCUMENT_BYTES,
    })
@interface ServiceTest {

  /** Password of the basic-auth user {@code admin}. */
  String PASSWORD = "it-secret";

  /** longstream.limits.max-document-bytes: room for multi-window sample documents, small enough to exceed. */
  String MAX_DOCUMENT_BYTES = "16KB";
}

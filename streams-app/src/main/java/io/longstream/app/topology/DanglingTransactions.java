package io.longstream.app.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts, before Kafka Streams starts, the transactions that a crashed earlier run of this instance left open.
 *
 * <p>Kafka Streams names its exactly-once producers {@code <application.id>-<process id>-<thread>}, and gives a
 * stateless topology such as longstream's a new random process id on every start. So a restarted instance
 * cannot fence its predecessor by initialising the same transactional id, and a transaction the predecessor
 * left open (it was killed between a document's sends and their commit) stays open until the broker's
 * transaction timeout: meanwhile the new run cannot read its committed offsets (it stalls) and read_committed
 * consumers of the affected output partitions wait.
 *
 * <p>An open transaction of this application is the predecessor's when its process id is not that of a live
 * member of the consumer group. Members are listed after the transactions, so a member that joins in between
 * cannot be mistaken for a dead one. A member carrying this instance's own {@code group.instance.id} (with the
 * {@code -<thread>} suffix Kafka Streams adds) is the predecessor itself, since static membership admits one
 * live instance per id, so its transactions are fenced at once. Without static membership a killed member stays
 * listed until its session times out, and its transactions are left to the broker's timeout. Nothing is fenced when a member's process id cannot be read from its client id
 * (a custom {@code client.id}): no live instance's transaction is ever aborted on a guess.
 */
final class DanglingTransactions {

  private static final Logger log = LoggerFactory.getLogger(DanglingTransactions.class);

  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  /** A consumer group member: its client id and, for a static member, its group.instance.id. */
  record Member(String clientId, Optional<String> groupInstanceId) {}

  private DanglingTransactions() {}

  /**
   * The transactional ids among {@code ongoing} that belong to {@code applicationId} and to no live member of
   * its group; empty when some member's process id cannot be read.
   *
   * @param ownInstanceId this instance's configured group.instance.id, or null without static membership
   */
  static List<String> select(String applicationId, String ownInstanceId, Collection<String> ongoing, Collection<Member> members) {
    String app = Pattern.quote(applicationId);
    Pattern consumer = Pattern.compile(app + "-(" + UUID + ")-StreamThread-\\d+-consumer");
    Pattern producer = Pattern.compile(app + "-(" + UUID + ")-\\d+");
    // Kafka Streams suffixes the configured group.instance.id with "-<thread>" for each thread's consumer.
    Pattern predecessorInstance = ownInstanceId == null ? null : Pattern.compile(Pattern.quote(ownInstanceId) + "-\\d+");
    Set<String> live = new HashSet<>();
    for (Member member : members) {
      Matcher m = consumer.matcher(member.clientId());
      if (!m.matches()) {
        log.info("Not looking for transactions left open by a crashed run: group member client id '{}' names no"
            + " Kafka Streams process id", member.clientId());
        return List.of();
      }
      boolean predecessor = predecessorInstance != null
          && member.groupInstanceId().filter(id -> predecessorInstance.matcher(id).matches()).isPresent();
      if (!predecessor) {
        live.add(m.group(1));
      }
    }
    List<String> dangling = new ArrayList<>();
    for (String id : ongoing) {
      Matcher m = producer.matcher(id);
      if (m.matches() && !live.contains(m.group(1))) {
        dangling.add(id);
      }
    }
    return dangling;
  }

  /**
   * Finds the dangling transactions of {@code applicationId} and fences their producers, which aborts the
   * transactions. Returns the fenced ids. A failure (an old broker, missing ACLs, no broker yet) is logged and
   * swallowed: the broker's transaction timeout still ends such a stall.
   */
  static List<String> fence(Admin admin, String applicationId, String ownInstanceId, Duration timeout) {
    try {
      // Transactions first, members second: see the class comment.
      List<String> ongoing = admin
          .listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
          .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
          .map(TransactionListing::transactionalId)
          .toList();
      List<String> dangling = select(applicationId, ownInstanceId, ongoing, members(admin, applicationId, timeout));
      if (!dangling.isEmpty()) {
        admin.fenceProducers(dangling).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        log.warn("Aborted {} transaction(s) left open by a crashed earlier run: {}", dangling.size(), dangling);
      }
      return dangling;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      log.warn("Could not look for transactions left open by a crashed earlier run ({}); the broker aborts them"
          + " at their transaction timeout", String.valueOf(cause));
      return List.of();
    }
  }

  private static List<Member> members(Admin admin, String group, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).members().stream()
          .map(m -> new Member(m.clientId(), m.groupInstanceId()))
          .toList();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return List.of();
      }
      throw e;
    }
  }
}

package io.longstream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class TopologyConfigurationTest {

  @Test
  void shouldTreatAGroupInstanceIdInAnyPrefixedFormAsStaticMembership() {
    assertThat(TopologyConfiguration.staticInstanceId(properties("group.instance.id"))).isEqualTo("pod-0");
    assertThat(TopologyConfiguration.staticInstanceId(properties("consumer.group.instance.id"))).isEqualTo("pod-0");
    assertThat(TopologyConfiguration.staticInstanceId(properties("main.consumer.group.instance.id"))).isEqualTo("pod-0");
  }

  @Test
  void shouldTreatEverythingElseAsDynamicMembershipWhichLeavesTheGroupOnClose() {
    assertThat(TopologyConfiguration.staticInstanceId(properties("group.id"))).isNull();
    assertThat(TopologyConfiguration.staticInstanceId(new Properties())).isNull();
    assertThat(TopologyConfiguration.staticInstanceId(null)).isNull();
  }

  private static Properties properties(String key) {
    Properties p = new Properties();
    p.put(key, "pod-0");
    return p;
  }
}

package io.longstream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class TopologyConfigurationTest {

  @Test
  void shouldTreatAGroupInstanceIdInAnyPrefixedFormAsStaticMembership() {
    assertThat(TopologyConfiguration.isStaticMember(properties("group.instance.id"))).isTrue();
    assertThat(TopologyConfiguration.isStaticMember(properties("consumer.group.instance.id"))).isTrue();
    assertThat(TopologyConfiguration.isStaticMember(properties("main.consumer.group.instance.id"))).isTrue();
  }

  @Test
  void shouldTreatEverythingElseAsDynamicMembershipWhichLeavesTheGroupOnClose() {
    assertThat(TopologyConfiguration.isStaticMember(properties("group.id"))).isFalse();
    assertThat(TopologyConfiguration.isStaticMember(new Properties())).isFalse();
    assertThat(TopologyConfiguration.isStaticMember(null)).isFalse();
  }

  private static Properties properties(String key) {
    Properties p = new Properties();
    p.put(key, "pod-0");
    return p;
  }
}

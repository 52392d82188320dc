package io.shardshift.engine.run;

import io.shardshift.core.spec.SpecException;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoleTest {
    @Test
    void allMeansEveryRole() {
        assertThat(Role.parse("all")).isEqualTo(EnumSet.allOf(Role.class));
    }

    @Test
    void aCommaListNamesSomeRoles() {
        assertThat(Role.parse(" backfill, APPLY")).isEqualTo(Set.of(Role.BACKFILL, Role.APPLY));
    }

    @Test
    void unknownWordsAreNamedAllAtOnce() {
        assertThatThrownBy(() -> Role.parse("capture,aply,bakfill"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("--role")
                .hasMessageContaining("aply")
                .hasMessageContaining("bakfill");
        assertThatThrownBy(() -> Role.parse(" ")).isInstanceOf(SpecException.class).hasMessageContaining("--role");
    }

    @Test
    void optionsKeepTheirRolesAndName() {
        RunOptions o = RunOptions.all().withRoles(Role.parse("apply,capture")).withInstanceId("m-2");
        assertThat(o.runs(Role.APPLY)).isTrue();
        assertThat(o.runs(Role.BACKFILL)).isFalse();
        assertThat(o.rolesFlag()).isEqualTo("capture,apply");
        assertThat(o.instanceId()).isEqualTo("m-2");
        assertThat(RunOptions.defaultInstanceId()).endsWith("-" + ProcessHandle.current().pid());
    }
}

package io.shardshift.migrator.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class BindOptionsTest {

    @Test
    void shouldListenOnLoopbackByDefault() {
        MigrateCommand migrate = new MigrateCommand();
        new CommandLine(migrate).parseArgs("--spec", "spec.yaml");
        assertThat(migrate.bindOptions.bind()).isEqualTo("127.0.0.1");
        assertThat(migrate.bindOptions.allowedHosts()).isEmpty();
    }

    @Test
    void shouldTakeTheBindAddressAndAllowedHostsOfServeAndMigrate() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--spec", "spec.yaml", "--bind", "0.0.0.0", "--allowed-host", "migrator",
                "--allowed-host", "shardshift.internal");
        assertThat(serve.bindOptions.bind()).isEqualTo("0.0.0.0");
        assertThat(serve.bindOptions.allowedHosts()).containsExactly("migrator", "shardshift.internal");
        MigrateCommand migrate = new MigrateCommand();
        new CommandLine(migrate).parseArgs("--spec", "spec.yaml", "--bind", "0.0.0.0");
        assertThat(migrate.bindOptions.bind()).isEqualTo("0.0.0.0");
    }
}

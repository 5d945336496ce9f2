package dev.docpipe.local.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {
    @TempDir
    Path data;

    @Test
    void aProcessKey_isAcceptedBesideTheDataDirectorysKeys_butNeverWrittenThere() throws Exception {
        ApiKeys stored = ApiKeys.loadOrCreate(data);
        String file = Files.readString(data.resolve(ApiKeys.FILE));

        ApiKeys keys = stored.withProcessKey("self");
        ApiKeys.Key self = keys.byId("self");

        assertThat(self).isNotNull();
        assertThat(self.value()).startsWith("dp_").hasSize(3 + 48);
        assertThat(keys.find(self.value())).isEqualTo(self);
        assertThat(keys.first()).isEqualTo(stored.first());
        assertThat(keys.find(stored.first().value())).isEqualTo(stored.first());
        assertThat(stored.find(self.value())).isNull();
        assertThat(stored.withProcessKey("self").byId("self").value()).isNotEqualTo(self.value());
        assertThat(Files.readString(data.resolve(ApiKeys.FILE))).isEqualTo(file);
        assertThat(ApiKeys.loadOrCreate(data).byId("self")).isNull();
    }
}

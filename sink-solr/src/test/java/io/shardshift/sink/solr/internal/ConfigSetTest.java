package io.shardshift.sink.solr.internal;

import io.shardshift.core.event.TableId;
import io.shardshift.core.schema.ColumnDef;
import io.shardshift.core.schema.TableSchema;
import io.shardshift.sink.solr.SolrTargetConfig;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigSetTest {
    private static final TableSchema SCHEMA = new TableSchema(new TableId("public", "orders"), List.of(
            new ColumnDef("tenant_id", "text", true), new ColumnDef("id", "bigint", true)),
            List.of("tenant_id", "id"), List.of(), true);

    @Test
    void shouldGuardEveryUpdateWithTheFenceAndHideTombstonesFromSearches() throws Exception {
        Map<String, String> files = ConfigSet.files("orders_v1", FieldMap.resolve(
                SolrTargetConfig.of("s", "zk", "orders", 1, 2, "orders", "tenant_id"), SCHEMA));
        Document config = parse(files.get("solrconfig.xml"));
        var xpath = XPathFactory.newInstance().newXPath();

        String chain = "//updateRequestProcessorChain[@default='true']/processor[1]";
        assertThat(xpath.evaluate(chain + "/@class", config)).isEqualTo("solr.DocBasedVersionConstraintsProcessorFactory");
        assertThat(xpath.evaluate(chain + "/str[@name='versionField']", config)).isEqualTo("_ss_lsn");
        assertThat(xpath.evaluate(chain + "/bool[@name='ignoreOldUpdates']", config)).isEqualTo("true");
        assertThat(xpath.evaluate(chain + "/str[@name='deleteVersionParam']", config)).isEqualTo("_ss_lsn");
        assertThat(xpath.evaluate(chain + "/lst[@name='tombstoneConfig']/bool[@name='_ss_deleted']", config))
                .isEqualTo("true");
        assertThat(xpath.evaluate("//requestHandler[@name='/select']/lst[@name='appends']/str[@name='fq']", config))
                .isEqualTo("-_ss_deleted:true");
        assertThat(xpath.evaluate("//updateHandler/updateLog/str/@name", config)).isEqualTo("dir");

        Document schema = parse(files.get("managed-schema.xml"));
        assertThat(xpath.evaluate("//uniqueKey", schema)).isEqualTo("id");
        assertThat(xpath.evaluate("//field[@name='_ss_lsn']/@type", schema)).isEqualTo("plong");
        assertThat(xpath.evaluate("//field[@name='orders_id']/@type", schema)).isEqualTo("plong");
        assertThat(xpath.evaluate("//field[@name='tenant_id']/@type", schema)).isEqualTo("string");
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}

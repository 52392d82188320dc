package io.shardshift.plan.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SkewChartTest {
    private final BarChart chart = new BarChart("writes per second per target", "writes/s", List.of(
            new BarChart.Bar("pg_a", 120, 40), new BarChart.Bar("pg_b", 10, 40), new BarChart.Bar("pg_<hot>", 0, 50)));

    @Test
    void shouldDrawAWellFormedSvgWithABarPairAndALabelPerTarget() throws Exception {
        String svg = SkewChart.svg(chart);

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("title").getLength()).isEqualTo(6);
        assertThat(svg).contains(">pg_a<", ">pg_&lt;hot&gt;<", ">before<", ">after<", "writes per second per target");
        assertThat(svg).contains("<title>pg_a before: 120</title>", "<title>pg_a after: 40</title>");
    }

    @Test
    void shouldDrawAPngImage() throws Exception {
        byte[] png = SkewChart.png(chart);

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(360);
        assertThat(image.getHeight()).isEqualTo(370);
    }

    @Test
    void shouldGiveTheDashboardTheBarsAsJson() throws Exception {
        JsonNode json = new ObjectMapper().readTree(SkewChart.json(chart));

        assertThat(json.path("unit").asText()).isEqualTo("writes/s");
        assertThat(json.path("bars")).hasSize(3);
        assertThat(json.path("bars").get(0).path("label").asText()).isEqualTo("pg_a");
        assertThat(json.path("bars").get(0).path("before").asDouble()).isEqualTo(120.0);
    }
}

package io.shardshift.plan.chart;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Draws a {@link BarChart} of load per target, before (grey) and after (blue), as SVG text, as a PNG image
 * (Java2D, headless) or as JSON for the dashboard. No chart library.
 */
public final class SkewChart {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BEFORE = "#a0aec0";
    private static final String AFTER = "#2b6cb0";
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 60;
    private static final int PLOT = 260;
    private static final int BOTTOM = 50;
    private static final int GROUP = 84;
    private static final int BAR = 30;

    private SkewChart() {
    }

    /** The chart as a standalone SVG document. */
    public static String svg(BarChart chart) {
        Geometry g = new Geometry(chart);
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(g.width).append("\" height=\"")
                .append(g.height).append("\" viewBox=\"0 0 ").append(g.width).append(' ').append(g.height)
                .append("\" font-family=\"sans-serif\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(text(LEFT, 24, 16, "start", chart.title() + " (" + chart.unit() + ")", "bold"));
        legend(s, g.width - RIGHT - 150, 40);
        for (int i = 0; i <= 4; i++) {
            double v = g.max * i / 4;
            int y = g.y(v);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e2e8f0\"/>%n",
                    LEFT, y, g.width - RIGHT, y));
            s.append(text(LEFT - 6, y + 4, 11, "end", format(v), null));
        }
        for (int i = 0; i < chart.bars().size(); i++) {
            BarChart.Bar bar = chart.bars().get(i);
            int x = LEFT + i * GROUP + (GROUP - 2 * BAR - 4) / 2;
            rect(s, x, g, bar.before(), BEFORE, bar.label() + " before");
            rect(s, x + BAR + 4, g, bar.after(), AFTER, bar.label() + " after");
            s.append(text(x + BAR + 2, TOP + PLOT + 20, 12, "middle", shorten(bar.label()), null));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#4a5568\"/>%n",
                LEFT, TOP + PLOT, g.width - RIGHT, TOP + PLOT));
        return s.append("</svg>\n").toString();
    }

    /** The chart as a PNG image. */
    public static byte[] png(BarChart chart) {
        System.setProperty("java.awt.headless", "true");
        Geometry g = new Geometry(chart);
        BufferedImage image = new BufferedImage(g.width, g.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = image.createGraphics();
        try {
            g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g2.setColor(Color.WHITE);
            g2.fillRect(0, 0, g.width, g.height);
            g2.setColor(Color.BLACK);
            g2.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g2.drawString(chart.title() + " (" + chart.unit() + ")", LEFT, 24);
            g2.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics fm = g2.getFontMetrics();
            int lx = g.width - RIGHT - 150;
            g2.setColor(Color.decode(BEFORE));
            g2.fillRect(lx, 31, 12, 12);
            g2.setColor(Color.decode(AFTER));
            g2.fillRect(lx + 75, 31, 12, 12);
            g2.setColor(Color.BLACK);
            g2.drawString("before", lx + 16, 41);
            g2.drawString("after", lx + 91, 41);
            for (int i = 0; i <= 4; i++) {
                double v = g.max * i / 4;
                int y = g.y(v);
                g2.setColor(Color.decode("#e2e8f0"));
                g2.drawLine(LEFT, y, g.width - RIGHT, y);
                g2.setColor(Color.BLACK);
                String label = format(v);
                g2.drawString(label, LEFT - 6 - fm.stringWidth(label), y + 4);
            }
            for (int i = 0; i < chart.bars().size(); i++) {
                BarChart.Bar bar = chart.bars().get(i);
                int x = LEFT + i * GROUP + (GROUP - 2 * BAR - 4) / 2;
                drawBar(g2, fm, x, g, bar.before(), Color.decode(BEFORE));
                drawBar(g2, fm, x + BAR + 4, g, bar.after(), Color.decode(AFTER));
                g2.setColor(Color.BLACK);
                String label = shorten(bar.label());
                g2.drawString(label, x + BAR + 2 - fm.stringWidth(label) / 2, TOP + PLOT + 20);
            }
            g2.setColor(Color.decode("#4a5568"));
            g2.setStroke(new BasicStroke(1));
            g2.drawLine(LEFT, TOP + PLOT, g.width - RIGHT, TOP + PLOT);
        } finally {
            g2.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the chart as PNG", e);
        }
        return out.toByteArray();
    }

    /** The chart's data as JSON, for the dashboard. */
    public static String json(BarChart chart) {
        try {
            return JSON.writeValueAsString(chart);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the chart as JSON", e);
        }
    }

    private static void drawBar(Graphics2D g2, FontMetrics fm, int x, Geometry g, double value, Color color) {
        int y = g.y(value);
        g2.setColor(color);
        g2.fillRect(x, y, BAR, TOP + PLOT - y);
        g2.setColor(Color.DARK_GRAY);
        String label = format(value);
        g2.drawString(label, x + BAR / 2 - fm.stringWidth(label) / 2, y - 3);
    }

    private static void rect(StringBuilder s, int x, Geometry g, double value, String color, String title) {
        int y = g.y(value);
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                + "<title>%s: %s</title></rect>%n", x, y, BAR, TOP + PLOT - y, color, escape(title), format(value)));
        s.append(text(x + BAR / 2, y - 3, 10, "middle", format(value), null));
    }

    private static void legend(StringBuilder s, int x, int y) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                x, y - 9, BEFORE));
        s.append(text(x + 16, y + 1, 11, "start", "before", null));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                x + 75, y - 9, AFTER));
        s.append(text(x + 91, y + 1, 11, "start", "after", null));
    }

    private static String text(int x, int y, int size, String anchor, String text, String weight) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\"%s>%s</text>%n",
                x, y, size, anchor, weight == null ? "" : " font-weight=\"" + weight + "\"", escape(text));
    }

    private static String format(double v) {
        if (v >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", v / 1_000_000);
        }
        if (v >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", v / 1_000);
        }
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String shorten(String label) {
        return label.length() <= 12 ? label : label.substring(0, 11) + "…";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Sizes and the value scale of a chart. */
    private static final class Geometry {
        final int width;
        final int height;
        final double max;

        Geometry(BarChart chart) {
            this.width = Math.max(360, LEFT + RIGHT + chart.bars().size() * GROUP);
            this.height = TOP + PLOT + BOTTOM;
            this.max = niceCeiling(chart.maxValue());
        }

        int y(double value) {
            return TOP + PLOT - (int) Math.round(PLOT * Math.min(1, Math.max(0, value) / max));
        }

        private static double niceCeiling(double value) {
            if (value <= 0) {
                return 1;
            }
            double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
            for (double step : new double[] {1, 2, 2.5, 5, 10}) {
                if (step * magnitude >= value) {
                    return step * magnitude;
                }
            }
            return 10 * magnitude;
        }
    }
}

package dev.rendezvous.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One synthetic card transaction: the five features the fraud models read, and whether it was fraud.
 *
 * @param amount       transaction amount in euros, two decimals
 * @param hour         local hour of day, 0-23
 * @param distanceKm   distance from the card holder's home, one decimal
 * @param merchantRisk the merchant's risk score, 0-1, three decimals
 * @param cardAgeDays  days since the card was issued, at least 1
 * @param fraud        the true label
 */
public record FraudTransaction(double amount, int hour, double distanceKm, double merchantRisk, int cardAgeDays, boolean fraud) {

    /** The features by name, in {@link FraudDataset#FEATURE_NAMES} order, as a scoring request carries them. */
    public Map<String, Number> features() {
        Map<String, Number> features = new LinkedHashMap<>();
        features.put("amount", amount);
        features.put("hour", hour);
        features.put("distanceKm", distanceKm);
        features.put("merchantRisk", merchantRisk);
        features.put("cardAgeDays", cardAgeDays);
        return features;
    }

    /** The value of one feature, by name. */
    public double feature(String name) {
        return switch (name) {
            case "amount" -> amount;
            case "hour" -> hour;
            case "distanceKm" -> distanceKm;
            case "merchantRisk" -> merchantRisk;
            case "cardAgeDays" -> cardAgeDays;
            default -> throw new IllegalArgumentException("unknown feature '" + name + "'; expected one of " + FraudDataset.FEATURE_NAMES);
        };
    }

    public String label() {
        return fraud ? FraudDataset.FRAUD : FraudDataset.LEGIT;
    }

    /** One CSV line; the fixed precision is the dataset's precision, so the CSV is the data exactly. */
    String csvLine() {
        // Hand-formatted: String.format made hashing the 20,000-row dataset take most of a warm start.
        return fixed(amount, 100) + "," + hour + "," + fixed(distanceKm, 10) + "," + fixed(merchantRisk, 1000) + ","
                + cardAgeDays + "," + label();
    }

    /** A non-negative value with exactly log10(scale) decimals, e.g. fixed(3.5, 100) = "3.50". */
    private static String fixed(double value, int scale) {
        long units = Math.round(value * scale);
        String fraction = Long.toString(units % scale);
        return units / scale + "." + "0".repeat(Integer.toString(scale).length() - 1 - fraction.length()) + fraction;
    }
}

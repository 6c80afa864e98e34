package dev.rendezvous.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FraudDatasetTest {

    @Test
    void sameSeedGivesTheSameRowsAndHash() {
        FraudDataset first = FraudDataset.generate(7, 2_000);
        FraudDataset second = FraudDataset.generate(7, 2_000);

        assertThat(second.rows()).isEqualTo(first.rows());
        assertThat(second.sha256()).isEqualTo(first.sha256());
    }

    @Test
    void anotherSeedGivesOtherRows() {
        assertThat(FraudDataset.generate(8, 2_000).sha256()).isNotEqualTo(FraudDataset.generate(7, 2_000).sha256());
    }

    @Test
    void csvHoldsTheRowsAtTheirFullPrecision() {
        FraudDataset data = FraudDataset.generate(7, 50);
        String[] lines = data.toCsv().split("\n");

        assertThat(lines[0]).isEqualTo("amount,hour,distanceKm,merchantRisk,cardAgeDays,label");
        for (int i = 0; i < data.rows().size(); i++) {
            String[] cells = lines[i + 1].split(",");
            FraudTransaction row = data.rows().get(i);
            assertThat(Double.parseDouble(cells[0])).isEqualTo(row.amount());
            assertThat(Double.parseDouble(cells[2])).isEqualTo(row.distanceKm());
            assertThat(Double.parseDouble(cells[3])).isEqualTo(row.merchantRisk());
            assertThat(cells[5]).isEqualTo(row.label());
        }
    }

    @Test
    void csvWritesEachFeatureWithItsFixedNumberOfDecimals() {
        FraudTransaction row = new FraudTransaction(3.5, 7, 12.0, 0.05, 30, true);

        assertThat(row.csvLine()).isEqualTo("3.50,7,12.0,0.050,30,fraud");
        assertThat(new FraudTransaction(1999.99, 0, 2999.9, 1.0, 3650, false).csvLine()).isEqualTo("1999.99,0,2999.9,1.000,3650,legit");
    }

    @Test
    void fraudIsRareButPresentAndFeaturesStayInTheirRanges() {
        FraudDataset data = FraudDataset.generate(DemoModels.DATA_SEED, DemoModels.DATA_ROWS);

        assertThat(data.fraudRate()).isBetween(0.02, 0.15);
        assertThat(data.rows()).allSatisfy(row -> {
            assertThat(row.amount()).isBetween(0.0, 2000.0);
            assertThat(row.hour()).isBetween(0, 23);
            assertThat(row.distanceKm()).isBetween(0.0, 3000.0);
            assertThat(row.merchantRisk()).isBetween(0.0, 1.0);
            assertThat(row.cardAgeDays()).isBetween(1, 3650);
        });
    }

    @Test
    void splitKeepsEveryRowOnceInOrder() {
        FraudDataset data = FraudDataset.generate(7, 1_000);
        FraudDataset.Split split = data.split(0.8);

        assertThat(split.training().rows()).hasSize(800).isEqualTo(data.rows().subList(0, 800));
        assertThat(split.heldOut().rows()).hasSize(200).isEqualTo(data.rows().subList(800, 1_000));
        assertThat(split.training().description()).contains("seed=7", "[0,800)");
    }
}

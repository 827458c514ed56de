"""The corpus the detector's generalisation is measured on (bench/corpus.py): big enough, about
half clean, and its test split shares no message with what rules may be tuned on."""

from bench.corpus import SLOTS, corpus, scores


def test_the_corpus_is_big_about_half_clean_and_its_splits_apart():
    rows = corpus()
    assert len(rows) >= 2000
    assert 0.4 <= sum(1 for _t, category, _s in rows if category is None) / len(rows) <= 0.65
    texts = {split: {text for text, _c, where in rows if where == split} for split in ("train", "dev", "test")}
    assert texts["test"] and not texts["test"] & (texts["train"] | texts["dev"])
    assert {category for _t, category, _s in rows} >= {
        "insult",
        "private_order",
        "flying_order",
        "personal_data",
        "forbidden_promise",
        "competitor",
        None,
    }
    assert all(len(words) >= 20 and len(set(words)) == len(words) for words in SLOTS.values())
    assert corpus() == rows  # reproducible: the same messages on every machine


def test_scores_count_per_category():
    def flags_insults(text):
        return {"insult"} if "滚" in text else set()

    result = scores(flags_insults, "dev")
    assert result["insult"]["messages"] > 0 and 0 <= result["insult"]["recall"] <= 1
    assert result["competitor"]["recall"] == 0 and result["competitor"]["precision"] == 1.0

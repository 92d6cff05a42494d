"""scikit-learn's TF-IDF + one-vs-rest LinearSVC on a split exported by ./jbang bench-coder (never needed by CI).

Usage: python tools/sklearn_baseline.py SPLIT_DIR   (train.jsonl and test.jsonl: {"text", "labels"} per line)
Prints one JSON line: {"micro_f1", "train_seconds", "sklearn", "labels", "features"}. The features are den4j's
linear coder's: words and word pairs in at least 2 notes, sublinear tf; the decision threshold is LinearSVC's 0.
"""
import json
import sys
import time

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC


def read(path):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r["text"] for r in rows], [r["labels"] for r in rows]


def main(folder):
    train_x, train_y = read(f"{folder}/train.jsonl")
    test_x, test_y = read(f"{folder}/test.jsonl")
    start = time.perf_counter()
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    x = vectorizer.fit_transform(train_x)
    binarizer = MultiLabelBinarizer()
    y = binarizer.fit_transform(train_y)
    model = OneVsRestClassifier(LinearSVC(C=1.0), n_jobs=2).fit(x, y)
    seconds = time.perf_counter() - start
    known = set(binarizer.classes_)
    predicted = model.predict(vectorizer.transform(test_x))
    # Test codes never seen in training count as misses, as they do for den4j's coders.
    gold = binarizer.transform([[c for c in labels if c in known] for labels in test_y])
    unseen = sum(1 for labels in test_y for c in labels if c not in known)
    tp = int((predicted.multiply(gold) if hasattr(predicted, "multiply") else predicted * gold).sum())
    fp = int(predicted.sum()) - tp
    fn = int(gold.sum()) - tp + unseen
    micro = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    print(json.dumps({"micro_f1": micro, "train_seconds": seconds, "sklearn": sklearn.__version__,
                      "labels": len(binarizer.classes_), "features": len(vectorizer.vocabulary_),
                      "f1_seen_codes_only": f1_score(gold, predicted, average="micro", zero_division=0)}))


if __name__ == "__main__":
    main(sys.argv[1])

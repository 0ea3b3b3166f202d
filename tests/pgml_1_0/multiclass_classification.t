PostgresML 1.0's multi_classification.sql, on iris (150 rows, 4 features, 3 classes).

1.0 trained on a view of 100 rows drawn anew on every run; here the draw is seeded (the rows keep
the file's order, so the predictions below take every tenth row, of all three species).
  $ pgml-cli datasets iris --sample 100 --seed 0 > iris_sample.csv

The algorithms of the 1.0 script, in its order and with its hyperparameters. Where an algorithm
has both runtimes, the default (rust) comes first, then `--runtime python` (scikit-learn, as 1.0).
xgboost and lightgbm are pinned to one thread (see README.md).
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm linear
  trained linear (classification, rust runtime: linfa [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 1 of project 'Iris Classifier', deployed
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    log_loss                        0.172967
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm linear --runtime python
  trained linear (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 2 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    log_loss                        0.172908
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm ridge
  trained ridge (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 3 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.720000
    f1                              0.714510  (key metric)
    f1_macro                        0.707190
    mcc                             0.627840
    precision                       0.789091
    precision_macro                 0.751515
    recall                          0.720000
    recall_macro                    0.744444
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm stochastic_gradient_descent
  trained stochastic_gradient_descent (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 4 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.800000
    f1                              0.787719  (key metric)
    f1_macro                        0.788012
    mcc                             0.742611
    precision                       0.868000
    precision_macro                 0.833333
    recall                          0.800000
    recall_macro                    0.833333
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm perceptron
  trained perceptron (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 5 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.600000
    f1                              0.471429  (key metric)
    f1_macro                        0.547619
    mcc                             0.550823
    precision                       0.410526
    precision_macro                 0.491228
    recall                          0.600000
    recall_macro                    0.666667
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm passive_aggressive
  pgml-cli: warning: FutureWarning: Class PassiveAggressiveClassifier is deprecated; this is deprecated in version 1.8 and will be removed in 1.10. Use `SGDClassifier(loss='hinge', penalty=None, learning_rate='pa1', eta0=1.0)` instead.
  trained passive_aggressive (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 6 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm svm
  trained svm (classification, rust runtime: linfa [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 7 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm svm --runtime python
  trained svm (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 8 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm nu_svm
  trained nu_svm (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 9 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm linear_svm
  trained linear_svm (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 10 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm ada_boost
  trained ada_boost (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 11 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.960000
    f1                              0.959134  (key metric)
    f1_macro                        0.953824
    log_loss                        0.945597
    mcc                             0.940519
    precision                       0.963636
    precision_macro                 0.969697
    recall                          0.960000
    recall_macro                    0.944444
    roc_auc                         0.994667
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm bagging
  trained bagging (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 12 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    log_loss                        0.047840
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm extra_trees --hyperparams '{"n_estimators": 10}'
  trained extra_trees (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 13 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.960000
    f1                              0.959134  (key metric)
    f1_macro                        0.953824
    log_loss                        0.054006
    mcc                             0.940519
    precision                       0.963636
    precision_macro                 0.969697
    recall                          0.960000
    recall_macro                    0.944444
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm gradient_boosting_trees --hyperparams '{"n_estimators": 10}'
  trained gradient_boosting_trees (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 14 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    log_loss                        0.249033
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm random_forest --hyperparams '{"n_estimators": 10}'
  trained random_forest (classification, rust runtime: pgml-cli [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 15 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.960000
    f1                              0.960486  (key metric)
    f1_macro                        0.956815
    log_loss                        0.142216
    mcc                             0.941631
    precision                       0.965714
    precision_macro                 0.952381
    recall                          0.960000
    recall_macro                    0.966667
    roc_auc                         0.997611
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm random_forest --hyperparams '{"n_estimators": 10}' --runtime python
  trained random_forest (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 16 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.960000
    f1                              0.959134  (key metric)
    f1_macro                        0.953824
    log_loss                        0.085628
    mcc                             0.940519
    precision                       0.963636
    precision_macro                 0.969697
    recall                          0.960000
    recall_macro                    0.944444
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm xgboost --hyperparams '{"n_estimators": 10, "n_jobs": 1}'
  trained xgboost (classification, python runtime: xgboost [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 17 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.960000
    f1                              0.959134  (key metric)
    f1_macro                        0.953824
    log_loss                        0.147558
    mcc                             0.940519
    precision                       0.963636
    precision_macro                 0.969697
    recall                          0.960000
    recall_macro                    0.944444
    roc_auc                         0.994667
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm xgboost_random_forest --hyperparams '{"n_estimators": 10, "n_jobs": 1}'
  trained xgboost_random_forest (classification, python runtime: xgboost [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 18 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    log_loss                        0.252397
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm lightgbm --hyperparams '{"n_estimators": 1, "n_jobs": 1}'
  trained lightgbm (classification, python runtime: lightgbm [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 19 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.320000
    f1                              0.232644  (key metric)
    f1_macro                        0.249042
    log_loss                        0.977730
    mcc                             0.216783
    precision                       0.462609
    precision_macro                 0.420290
    recall                          0.320000
    recall_macro                    0.400000
    roc_auc                         0.978667
  fit_time [..]s  score_time [..]s

What 1.0 left out as too slow, with their defaults.
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm gaussian_process
  trained gaussian_process (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 20 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    log_loss                        0.395223
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm hist_gradient_boosting
  trained hist_gradient_boosting (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 21 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.960000
    f1                              0.959134  (key metric)
    f1_macro                        0.953824
    log_loss                        0.170457
    mcc                             0.940519
    precision                       0.963636
    precision_macro                 0.969697
    recall                          0.960000
    recall_macro                    0.944444
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s

Grid search as 1.0: gradient_boosting_trees over 8 candidates (5 folds, the default).
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm gradient_boosting_trees --hyperparams '{"random_state": 0}' --search grid \
  > --search-params '{"n_estimators": [10, 20], "max_leaf_nodes": [2, 4], "criterion": ["friedman_mse", "squared_error"]}'
  pgml-cli: warning: FutureWarning: The parameter `criterion` is deprecated and will be removed in 1.11. It has no effect. Leave it to its default value to avoid this warning.
  trained gradient_boosting_trees (classification, python runtime: scikit-learn [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 22 of project 'Iris Classifier', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        0.960000
    f1                              0.959134  (key metric)
    f1_macro                        0.953824
    log_loss                        0.448668
    mcc                             0.940519
    precision                       0.963636
    precision_macro                 0.969697
    recall                          0.960000
    recall_macro                    0.944444
    roc_auc                         0.994667
  search (grid, 5 folds): 8 candidates ranked by mean f1 (the best was refit on every train row):
      1. 0.959492 ± 0.053596  fit [..]s  {"criterion":"friedman_mse","max_leaf_nodes":2,"n_estimators":10,"random_state":0}
      2. 0.959492 ± 0.053596  fit [..]s  {"criterion":"friedman_mse","max_leaf_nodes":2,"n_estimators":20,"random_state":0}
      3. 0.959492 ± 0.053596  fit [..]s  {"criterion":"squared_error","max_leaf_nodes":2,"n_estimators":10,"random_state":0}
      4. 0.959492 ± 0.053596  fit [..]s  {"criterion":"squared_error","max_leaf_nodes":2,"n_estimators":20,"random_state":0}
      5. 0.932650 ± 0.085413  fit [..]s  {"criterion":"friedman_mse","max_leaf_nodes":4,"n_estimators":10,"random_state":0}
      6. 0.932650 ± 0.085413  fit [..]s  {"criterion":"friedman_mse","max_leaf_nodes":4,"n_estimators":20,"random_state":0}
      7. 0.932650 ± 0.085413  fit [..]s  {"criterion":"squared_error","max_leaf_nodes":4,"n_estimators":10,"random_state":0}
      8. 0.932650 ± 0.085413  fit [..]s  {"criterion":"squared_error","max_leaf_nodes":4,"n_estimators":20,"random_state":0}
  fit_time [..]s  score_time [..]s

The deploy calls of 1.0, in its order.
  $ pgml-cli deploy 'Iris Classifier' --strategy most_recent --algorithm random_forest
  deployed model 16 of project 'Iris Classifier' (most_recent): random_forest (python), f1 0.959134
  $ pgml-cli deploy 'Iris Classifier' --strategy best_score
  deployed model 20 of project 'Iris Classifier' (best_score): gaussian_process (python), f1 1.000000
  $ pgml-cli deploy 'Iris Classifier' --strategy most_recent
  deployed model 22 of project 'Iris Classifier' (most_recent): gradient_boosting_trees (python), f1 0.959134
  $ pgml-cli deploy 'Iris Classifier' --strategy rollback
  deployed model 20 of project 'Iris Classifier' (rollback): gaussian_process (python), f1 1.000000
  $ pgml-cli deploy 'Iris Classifier' --strategy best_score --algorithm svm
  deployed model 8 of project 'Iris Classifier' (best_score): svm (python), f1 1.000000

Predictions for 10 rows by the deployed model, then by model id (the first model, linear).
  $ awk 'NR == 1 || NR % 10 == 2' iris_sample.csv | pgml-cli predict --project 'Iris Classifier' --data - --keep target
  target,target_predicted
  0,0
  0,0
  0,0
  1,1
  1,1
  1,1
  1,1
  2,2
  2,2
  2,2
  $ awk 'NR == 1 || NR % 10 == 2' iris_sample.csv | pgml-cli predict --model 1 --data - --keep target
  target,target_predicted
  0,0
  0,0
  0,0
  1,1
  1,1
  1,1
  1,1
  2,2
  2,2
  2,2

Not in 1.0: its lightgbm grew one tree, which at the default learning rate of 0.1 barely moves
from the class prior, hence its low f1 above. With lightgbm's defaults (100 trees), after 1.0's
deploys so as not to change them:
  $ pgml-cli train --project 'Iris Classifier' --data iris_sample.csv --target target --task classification --algorithm lightgbm --hyperparams '{"n_jobs": 1}'
  trained lightgbm (classification, python runtime: lightgbm [..]) on 75 of 100 rows of iris_sample.csv
  4 columns (4 number) -> 4 features
  recorded as model 23 of project 'Iris Classifier', not deployed (model 8 stays deployed: its f1 is not beaten)
  test metrics on 25 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    log_loss                        0.039654
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s

Every model the script recorded, the deployed one marked.
  $ pgml-cli models 'Iris Classifier'  # tolerance 0.01%: the key_metric column, compared as the metrics of fits that stop at a tolerance are (1e-4)
     id  project          algorithm                    runtime  key_metric  created
     1   Iris Classifier  linear                       rust     1.000000    2026-01-01T00:00:00Z
     2   Iris Classifier  linear                       python   1.000000    2026-01-01T00:00:00Z
     3   Iris Classifier  ridge                        python   0.714510    2026-01-01T00:00:00Z
     4   Iris Classifier  stochastic_gradient_descent  python   0.787719    2026-01-01T00:00:00Z
     5   Iris Classifier  perceptron                   python   0.471429    2026-01-01T00:00:00Z
     6   Iris Classifier  passive_aggressive           python   1.000000    2026-01-01T00:00:00Z
     7   Iris Classifier  svm                          rust     1.000000    2026-01-01T00:00:00Z
  *  8   Iris Classifier  svm                          python   1.000000    2026-01-01T00:00:00Z
     9   Iris Classifier  nu_svm                       python   1.000000    2026-01-01T00:00:00Z
     10  Iris Classifier  linear_svm                   python   1.000000    2026-01-01T00:00:00Z
     11  Iris Classifier  ada_boost                    python   0.959134    2026-01-01T00:00:00Z
     12  Iris Classifier  bagging                      python   1.000000    2026-01-01T00:00:00Z
     13  Iris Classifier  extra_trees                  python   0.959134    2026-01-01T00:00:00Z
     14  Iris Classifier  gradient_boosting_trees      python   1.000000    2026-01-01T00:00:00Z
     15  Iris Classifier  random_forest                rust     0.960486    2026-01-01T00:00:00Z
     16  Iris Classifier  random_forest                python   0.959134    2026-01-01T00:00:00Z
     17  Iris Classifier  xgboost                      python   0.959134    2026-01-01T00:00:00Z
     18  Iris Classifier  xgboost_random_forest        python   1.000000    2026-01-01T00:00:00Z
     19  Iris Classifier  lightgbm                     python   0.232644    2026-01-01T00:00:00Z
     20  Iris Classifier  gaussian_process             python   1.000000    2026-01-01T00:00:00Z
     21  Iris Classifier  hist_gradient_boosting       python   0.959134    2026-01-01T00:00:00Z
     22  Iris Classifier  gradient_boosting_trees      python   0.959134    2026-01-01T00:00:00Z
     23  Iris Classifier  lightgbm                     python   1.000000    2026-01-01T00:00:00Z

PostgresML 1.0's binary_classification.sql, on breast_cancer (569 rows, 30 features). f1 is the
support-weighted f1 (PostgresML's), here as for every classification.

The algorithms of the 1.0 script, in its order and with its hyperparameters. Where an algorithm
has both runtimes, the default (rust) comes first, then `--runtime python` (scikit-learn, as 1.0).
xgboost and lightgbm are pinned to one thread (see README.md).
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm linear
  trained linear (classification, rust runtime: linfa [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 1 of project 'Breast Cancer Detection', deployed
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.971831
    f1                              0.971982  (key metric)
    f1_macro                        0.968197
    log_loss                        0.093854
    mcc                             0.936882
    precision                       0.972561
    precision_macro                 0.963431
    recall                          0.971831
    recall_macro                    0.973505
    roc_auc                         0.996150
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm linear --runtime python  # tolerance 3%, log_loss 10%: lbfgs stops unconverged at 100 iterations on these unscaled features, and each CPU's BLAS kernels lead it elsewhere (measured: one test row, 1.9% on mcc, 4.5% on log_loss)
  pgml-cli: warning: ConvergenceWarning: lbfgs failed to converge after 100 iteration(s) (status=1): STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT Increase the number of iterations to improve the convergence (max_iter=100). You might also want to scale the data as shown in: https://scikit-learn.org/stable/modules/preprocessing.html Please also refer to the documentation for alternative solver options: https://scikit-learn.org/stable/modules/linear_model.html#logistic-regression
  trained linear (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 2 of project 'Breast Cancer Detection', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.950704
    f1                              0.951091  (key metric)
    f1_macro                        0.944639
    log_loss                        0.113129
    mcc                             0.890336
    precision                       0.952406
    precision_macro                 0.938227
    recall                          0.950704
    recall_macro                    0.952219
    roc_auc                         0.992301
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm ridge
  trained ridge (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 3 of project 'Breast Cancer Detection', deployed
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.978873
    f1                              0.978680  (key metric)
    f1_macro                        0.975454
    mcc                             0.952080
    precision                       0.979513
    precision_macro                 0.984848
    recall                          0.978873
    recall_macro                    0.967391
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm stochastic_gradient_descent
  trained stochastic_gradient_descent (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 4 of project 'Breast Cancer Detection', not deployed (model 3 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.894366
    f1                              0.896102  (key metric)
    f1_macro                        0.883702
    mcc                             0.772565
    precision                       0.902382
    precision_macro                 0.873755
    recall                          0.894366
    recall_macro                    0.899230
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm perceptron
  trained perceptron (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 5 of project 'Breast Cancer Detection', not deployed (model 3 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.816901
    f1                              0.822764  (key metric)
    f1_macro                        0.810550
    mcc                             0.671938
    precision                       0.874916
    precision_macro                 0.814484
    recall                          0.816901
    recall_macro                    0.858922
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm passive_aggressive
  pgml-cli: warning: FutureWarning: Class PassiveAggressiveClassifier is deprecated; this is deprecated in version 1.8 and will be removed in 1.10. Use `SGDClassifier(loss='hinge', penalty=None, learning_rate='pa1', eta0=1.0)` instead.
  trained passive_aggressive (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 6 of project 'Breast Cancer Detection', not deployed (model 3 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.929577
    f1                              0.929158  (key metric)
    f1_macro                        0.918671
    mcc                             0.837823
    precision                       0.929159
    precision_macro                 0.923933
    recall                          0.929577
    recall_macro                    0.913949
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm svm
  trained svm (classification, rust runtime: linfa [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 7 of project 'Breast Cancer Detection', not deployed (model 3 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.943662
    f1                              0.942956  (key metric)
    f1_macro                        0.934137
    mcc                             0.870283
    precision                       0.944011
    precision_macro                 0.946190
    recall                          0.943662
    recall_macro                    0.924366
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm svm --runtime python
  trained svm (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 8 of project 'Breast Cancer Detection', not deployed (model 3 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.943662
    f1                              0.942956  (key metric)
    f1_macro                        0.934137
    mcc                             0.870283
    precision                       0.944011
    precision_macro                 0.946190
    recall                          0.943662
    recall_macro                    0.924366
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm nu_svm
  trained nu_svm (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 9 of project 'Breast Cancer Detection', not deployed (model 3 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.915493
    f1                              0.912432  (key metric)
    f1_macro                        0.897126
    mcc                             0.807298
    precision                       0.920845
    precision_macro                 0.934224
    recall                          0.915493
    recall_macro                    0.875226
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm linear_svm  # tolerance 3%: liblinear's trust-region Newton stops unconverged, its BLAS steps differ by CPU (measured: one test row, 1.8% on mcc)
  trained linear_svm (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 10 of project 'Breast Cancer Detection', not deployed (model 3 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.964789
    f1                              0.964886  (key metric)
    f1_macro                        0.960029
    mcc                             0.920181
    precision                       0.965090
    precision_macro                 0.957559
    recall                          0.964789
    recall_macro                    0.962636
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm ada_boost
  trained ada_boost (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 11 of project 'Breast Cancer Detection', deployed
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.992958
    f1                              0.992937  (key metric)
    f1_macro                        0.991915
    log_loss                        0.388286
    mcc                             0.983959
    precision                       0.993030
    precision_macro                 0.994845
    recall                          0.992958
    recall_macro                    0.989130
    roc_auc                         0.999094
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm bagging
  trained bagging (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 12 of project 'Breast Cancer Detection', not deployed (model 11 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.964789
    f1                              0.964886  (key metric)
    f1_macro                        0.960029
    log_loss                        0.083338
    mcc                             0.920181
    precision                       0.965090
    precision_macro                 0.957559
    recall                          0.964789
    recall_macro                    0.962636
    roc_auc                         0.997962
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm extra_trees --hyperparams '{"n_estimators": 10}'
  trained extra_trees (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 13 of project 'Breast Cancer Detection', not deployed (model 11 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.978873
    f1                              0.978812  (key metric)
    f1_macro                        0.975744
    log_loss                        0.110640
    mcc                             0.951616
    precision                       0.978862
    precision_macro                 0.978580
    recall                          0.978873
    recall_macro                    0.973053
    roc_auc                         0.998641
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm gradient_boosting_trees --hyperparams '{"n_estimators": 10}'
  trained gradient_boosting_trees (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 14 of project 'Breast Cancer Detection', not deployed (model 11 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.971831
    f1                              0.971663  (key metric)
    f1_macro                        0.967468
    log_loss                        0.235886
    mcc                             0.935447
    precision                       0.971942
    precision_macro                 0.973330
    recall                          0.971831
    recall_macro                    0.962183
    roc_auc                         0.995358
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm random_forest --hyperparams '{"n_estimators": 10}'
  trained random_forest (classification, rust runtime: pgml-cli [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 15 of project 'Breast Cancer Detection', not deployed (model 11 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.978873
    f1                              0.978932  (key metric)
    f1_macro                        0.976018
    log_loss                        0.075091
    mcc                             0.952160
    precision                       0.979099
    precision_macro                 0.973460
    recall                          0.978873
    recall_macro                    0.978714
    roc_auc                         0.999094
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm random_forest --hyperparams '{"n_estimators": 10}' --runtime python
  trained random_forest (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 16 of project 'Breast Cancer Detection', not deployed (model 11 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.964789
    f1                              0.964686  (key metric)
    f1_macro                        0.959574
    log_loss                        0.081853
    mcc                             0.919273
    precision                       0.964694
    precision_macro                 0.962314
    recall                          0.964789
    recall_macro                    0.956975
    roc_auc                         0.998415
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm xgboost --hyperparams '{"n_estimators": 10, "n_jobs": 1}'
  trained xgboost (classification, python runtime: xgboost [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 17 of project 'Breast Cancer Detection', deployed
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.992958
    f1                              0.992977  (key metric)
    f1_macro                        0.992006
    log_loss                        0.070111
    mcc                             0.984138
    precision                       0.993108
    precision_macro                 0.989362
    recall                          0.992958
    recall_macro                    0.994792
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm xgboost_random_forest --hyperparams '{"n_estimators": 10, "n_jobs": 1}'
  trained xgboost_random_forest (classification, python runtime: xgboost [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 18 of project 'Breast Cancer Detection', not deployed (model 17 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.978873
    f1                              0.979039  (key metric)
    f1_macro                        0.976274
    log_loss                        0.168197
    mcc                             0.953645
    precision                       0.980167
    precision_macro                 0.969388
    recall                          0.978873
    recall_macro                    0.984375
    roc_auc                         0.998868
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm lightgbm --hyperparams '{"n_estimators": 1, "n_jobs": 1}'
  trained lightgbm (classification, python runtime: lightgbm [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 19 of project 'Breast Cancer Detection', not deployed (model 17 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.676056
    f1                              0.545390  (key metric)
    f1_macro                        0.403361
    log_loss                        0.562656
    mcc                             0.000000
    precision                       0.457052
    precision_macro                 0.338028
    recall                          0.676056
    recall_macro                    0.500000
    roc_auc                         0.988451
  fit_time [..]s  score_time [..]s

What 1.0 left out as too slow, with their defaults. gaussian_process's RBF kernel of length scale
1 on unscaled features (areas in the thousands) gives every row a probability within 1e-5 of 0.5
(log_loss ln 2): its labels are near-ties each CPU may break differently, so the metrics that
count labels are elided there (scikit-learn's own on its split: f1 0.71).
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm gaussian_process
  trained gaussian_process (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 20 of project 'Breast Cancer Detection', not deployed (model 17 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        [..]
    f1                              [..]  (key metric)
    f1_macro                        [..]
    log_loss                        0.693146
    mcc                             [..]
    precision                       [..]
    precision_macro                 [..]
    recall                          [..]
    recall_macro                    [..]
    roc_auc                         [..]
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm hist_gradient_boosting
  trained hist_gradient_boosting (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 21 of project 'Breast Cancer Detection', not deployed (model 17 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.985915
    f1                              0.985832  (key metric)
    f1_macro                        0.983734
    log_loss                        0.030218
    mcc                             0.967988
    precision                       0.986203
    precision_macro                 0.989796
    recall                          0.985915
    recall_macro                    0.978261
    roc_auc                         0.999321
  fit_time [..]s  score_time [..]s

Grid search as 1.0: gradient_boosting_trees over 8 candidates (5 folds, the default).
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm gradient_boosting_trees --hyperparams '{"random_state": 0}' --search grid \
  > --search-params '{"n_estimators": [10, 20], "max_leaf_nodes": [2, 4], "criterion": ["friedman_mse", "squared_error"]}'
  pgml-cli: warning: FutureWarning: The parameter `criterion` is deprecated and will be removed in 1.11. It has no effect. Leave it to its default value to avoid this warning.
  trained gradient_boosting_trees (classification, python runtime: scikit-learn [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 22 of project 'Breast Cancer Detection', not deployed (model 17 stays deployed: its f1 is not beaten)
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        0.985915
    f1                              0.985915  (key metric)
    f1_macro                        0.983922
    log_loss                        0.129940
    mcc                             0.967844
    precision                       0.985915
    precision_macro                 0.983922
    recall                          0.985915
    recall_macro                    0.983922
    roc_auc                         0.998868
  search (grid, 5 folds): 8 candidates ranked by mean f1 (the best was refit on every train row):
      1. 0.929278 ± 0.020076  fit [..]s  {"criterion":"friedman_mse","max_leaf_nodes":4,"n_estimators":20,"random_state":0}
      2. 0.929278 ± 0.020076  fit [..]s  {"criterion":"squared_error","max_leaf_nodes":4,"n_estimators":20,"random_state":0}
      3. 0.927115 ± 0.020332  fit [..]s  {"criterion":"friedman_mse","max_leaf_nodes":4,"n_estimators":10,"random_state":0}
      4. 0.927115 ± 0.020332  fit [..]s  {"criterion":"squared_error","max_leaf_nodes":4,"n_estimators":10,"random_state":0}
      5. 0.905631 ± 0.017096  fit [..]s  {"criterion":"friedman_mse","max_leaf_nodes":2,"n_estimators":20,"random_state":0}
      6. 0.905631 ± 0.017096  fit [..]s  {"criterion":"squared_error","max_leaf_nodes":2,"n_estimators":20,"random_state":0}
      7. 0.897695 ± 0.028678  fit [..]s  {"criterion":"friedman_mse","max_leaf_nodes":2,"n_estimators":10,"random_state":0}
      8. 0.897695 ± 0.028678  fit [..]s  {"criterion":"squared_error","max_leaf_nodes":2,"n_estimators":10,"random_state":0}
  fit_time [..]s  score_time [..]s

The deploy calls of 1.0, in its order.
  $ pgml-cli deploy 'Breast Cancer Detection' --strategy most_recent --algorithm random_forest
  deployed model 16 of project 'Breast Cancer Detection' (most_recent): random_forest (python), f1 0.964686
  $ pgml-cli deploy 'Breast Cancer Detection' --strategy best_score
  deployed model 17 of project 'Breast Cancer Detection' (best_score): xgboost (python), f1 0.992977
  $ pgml-cli deploy 'Breast Cancer Detection' --strategy most_recent
  deployed model 22 of project 'Breast Cancer Detection' (most_recent): gradient_boosting_trees (python), f1 0.985915
  $ pgml-cli deploy 'Breast Cancer Detection' --strategy rollback
  deployed model 17 of project 'Breast Cancer Detection' (rollback): xgboost (python), f1 0.992977
  $ pgml-cli deploy 'Breast Cancer Detection' --strategy best_score --algorithm svm
  deployed model 8 of project 'Breast Cancer Detection' (best_score): svm (python), f1 0.942956

Predictions for 10 rows by the deployed model, then by model id (the first model, linear).
  $ head -n 11 datasets/breast_cancer.csv | pgml-cli predict --project 'Breast Cancer Detection' --data - --keep malignant
  malignant,malignant_predicted
  true,true
  true,true
  true,true
  true,false
  true,true
  true,false
  true,true
  true,true
  true,false
  true,false
  $ head -n 11 datasets/breast_cancer.csv | pgml-cli predict --model 1 --data - --keep malignant
  malignant,malignant_predicted
  true,true
  true,true
  true,true
  true,true
  true,true
  true,true
  true,true
  true,true
  true,true
  true,true

Not in 1.0: its lightgbm grew one tree, which at the default learning rate of 0.1 barely moves
from the class prior, hence its low f1 above. With lightgbm's defaults (100 trees), after 1.0's
deploys so as not to change them:
  $ pgml-cli train --project 'Breast Cancer Detection' --data datasets/breast_cancer.csv --target malignant --task classification --algorithm lightgbm --hyperparams '{"n_jobs": 1}'
  trained lightgbm (classification, python runtime: lightgbm [..]) on 427 of 569 rows of datasets/breast_cancer.csv
  30 columns (30 number) -> 30 features
  recorded as model 23 of project 'Breast Cancer Detection', deployed
  test metrics on 142 rows (random sampling, seed 0):
    accuracy                        1.000000
    f1                              1.000000  (key metric)
    f1_macro                        1.000000
    log_loss                        0.013218
    mcc                             1.000000
    precision                       1.000000
    precision_macro                 1.000000
    recall                          1.000000
    recall_macro                    1.000000
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s

Every model the script recorded, the deployed one marked.
  $ pgml-cli models 'Breast Cancer Detection'  # tolerance 2%: the key metrics of the unconverged fits above (each checked at its own step)
     id  project                  algorithm                    runtime  key_metric  created
     1   Breast Cancer Detection  linear                       rust     0.971982    2026-01-01T00:00:00Z
     2   Breast Cancer Detection  linear                       python   0.951091    2026-01-01T00:00:00Z
     3   Breast Cancer Detection  ridge                        python   0.978680    2026-01-01T00:00:00Z
     4   Breast Cancer Detection  stochastic_gradient_descent  python   0.896102    2026-01-01T00:00:00Z
     5   Breast Cancer Detection  perceptron                   python   0.822764    2026-01-01T00:00:00Z
     6   Breast Cancer Detection  passive_aggressive           python   0.929158    2026-01-01T00:00:00Z
     7   Breast Cancer Detection  svm                          rust     0.942956    2026-01-01T00:00:00Z
     8   Breast Cancer Detection  svm                          python   0.942956    2026-01-01T00:00:00Z
     9   Breast Cancer Detection  nu_svm                       python   0.912432    2026-01-01T00:00:00Z
     10  Breast Cancer Detection  linear_svm                   python   0.964886    2026-01-01T00:00:00Z
     11  Breast Cancer Detection  ada_boost                    python   0.992937    2026-01-01T00:00:00Z
     12  Breast Cancer Detection  bagging                      python   0.964886    2026-01-01T00:00:00Z
     13  Breast Cancer Detection  extra_trees                  python   0.978812    2026-01-01T00:00:00Z
     14  Breast Cancer Detection  gradient_boosting_trees      python   0.971663    2026-01-01T00:00:00Z
     15  Breast Cancer Detection  random_forest                rust     0.978932    2026-01-01T00:00:00Z
     16  Breast Cancer Detection  random_forest                python   0.964686    2026-01-01T00:00:00Z
     17  Breast Cancer Detection  xgboost                      python   0.992977    2026-01-01T00:00:00Z
     18  Breast Cancer Detection  xgboost_random_forest        python   0.979039    2026-01-01T00:00:00Z
     19  Breast Cancer Detection  lightgbm                     python   0.545390    2026-01-01T00:00:00Z
     20  Breast Cancer Detection  gaussian_process             python   [..]    2026-01-01T00:00:00Z
     21  Breast Cancer Detection  hist_gradient_boosting       python   0.985832    2026-01-01T00:00:00Z
     22  Breast Cancer Detection  gradient_boosting_trees      python   0.985915    2026-01-01T00:00:00Z
  *  23  Breast Cancer Detection  lightgbm                     python   1.000000    2026-01-01T00:00:00Z

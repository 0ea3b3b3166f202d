PostgresML 1.0's image_classification.sql, on digits (1797 8x8 images as 64 columns, 10 classes).

The algorithms of the 1.0 script, in its order and with its hyperparameters. Where an algorithm
has both runtimes, the default (rust) comes first, then `--runtime python` (scikit-learn, as 1.0).
xgboost and lightgbm are pinned to one thread (see README.md).
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm linear
  trained linear (classification, rust runtime: linfa [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 1 of project 'Handwritten Digits', deployed
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.966592
    f1                              0.966728  (key metric)
    f1_macro                        0.967704
    log_loss                        0.115669
    mcc                             0.962897
    precision                       0.967412
    precision_macro                 0.967410
    recall                          0.966592
    recall_macro                    0.968526
    roc_auc                         0.999052
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm linear --runtime python
  pgml-cli: warning: ConvergenceWarning: lbfgs failed to converge after 100 iteration(s) (status=1): STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT Increase the number of iterations to improve the convergence (max_iter=100). You might also want to scale the data as shown in: https://scikit-learn.org/stable/modules/preprocessing.html Please also refer to the documentation for alternative solver options: https://scikit-learn.org/stable/modules/linear_model.html#logistic-regression
  trained linear (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 2 of project 'Handwritten Digits', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.962138
    f1                              0.962226  (key metric)
    f1_macro                        0.962796
    log_loss                        0.125098
    mcc                             0.957930
    precision                       0.962781
    precision_macro                 0.962446
    recall                          0.962138
    recall_macro                    0.963614
    roc_auc                         0.998870
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm ridge
  trained ridge (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 3 of project 'Handwritten Digits', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.944321
    f1                              0.943772  (key metric)
    f1_macro                        0.943068
    mcc                             0.938299
    precision                       0.945289
    precision_macro                 0.942495
    recall                          0.944321
    recall_macro                    0.945712
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm stochastic_gradient_descent
  trained stochastic_gradient_descent (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 4 of project 'Handwritten Digits', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.844098
    f1                              0.850207  (key metric)
    f1_macro                        0.852333
    mcc                             0.832710
    precision                       0.892657
    precision_macro                 0.890627
    recall                          0.844098
    recall_macro                    0.848377
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm perceptron
  trained perceptron (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 5 of project 'Handwritten Digits', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.935412
    f1                              0.934834  (key metric)
    f1_macro                        0.937284
    mcc                             0.929103
    precision                       0.942132
    precision_macro                 0.943272
    recall                          0.935412
    recall_macro                    0.939000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm passive_aggressive
  pgml-cli: warning: FutureWarning: Class PassiveAggressiveClassifier is deprecated; this is deprecated in version 1.8 and will be removed in 1.10. Use `SGDClassifier(loss='hinge', penalty=None, learning_rate='pa1', eta0=1.0)` instead.
  trained passive_aggressive (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 6 of project 'Handwritten Digits', not deployed (model 1 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.951002
    f1                              0.950907  (key metric)
    f1_macro                        0.951925
    mcc                             0.945621
    precision                       0.951943
    precision_macro                 0.951925
    recall                          0.951002
    recall_macro                    0.952951
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm svm
  trained svm (classification, rust runtime: linfa [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 7 of project 'Handwritten Digits', deployed
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.995546
    f1                              0.995544  (key metric)
    f1_macro                        0.995832
    mcc                             0.995065
    precision                       0.995724
    precision_macro                 0.996000
    recall                          0.995546
    recall_macro                    0.995833
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm svm --runtime python
  trained svm (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 8 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.995546
    f1                              0.995544  (key metric)
    f1_macro                        0.995832
    mcc                             0.995065
    precision                       0.995724
    precision_macro                 0.996000
    recall                          0.995546
    recall_macro                    0.995833
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm nu_svm
  trained nu_svm (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 9 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.962138
    f1                              0.962158  (key metric)
    f1_macro                        0.962725
    mcc                             0.957955
    precision                       0.962909
    precision_macro                 0.963308
    recall                          0.962138
    recall_macro                    0.962859
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm linear_svm
  trained linear_svm (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 10 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.942094
    f1                              0.942180  (key metric)
    f1_macro                        0.943101
    mcc                             0.935731
    precision                       0.943668
    precision_macro                 0.944154
    recall                          0.942094
    recall_macro                    0.943385
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm ada_boost
  trained ada_boost (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 11 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.772829
    f1                              0.779307  (key metric)
    f1_macro                        0.776356
    log_loss                        2.292127
    mcc                             0.751523
    precision                       0.819615
    precision_macro                 0.820250
    recall                          0.772829
    recall_macro                    0.767374
    roc_auc                         0.969263
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm bagging
  trained bagging (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 12 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.939866
    f1                              0.939659  (key metric)
    f1_macro                        0.940173
    log_loss                        0.253178
    mcc                             0.933232
    precision                       0.940642
    precision_macro                 0.939986
    recall                          0.939866
    recall_macro                    0.941583
    roc_auc                         0.997796
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm extra_trees --hyperparams '{"n_estimators": 10}'
  trained extra_trees (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 13 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.951002
    f1                              0.950443  (key metric)
    f1_macro                        0.950224
    log_loss                        0.392371
    mcc                             0.945638
    precision                       0.951245
    precision_macro                 0.949751
    recall                          0.951002
    recall_macro                    0.952100
    roc_auc                         0.996508
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm gradient_boosting_trees --hyperparams '{"n_estimators": 10}'
  trained gradient_boosting_trees (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 14 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.922049
    f1                              0.922658  (key metric)
    f1_macro                        0.921330
    log_loss                        0.613146
    mcc                             0.913536
    precision                       0.925235
    precision_macro                 0.921942
    recall                          0.922049
    recall_macro                    0.922722
    roc_auc                         0.994630
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm random_forest --hyperparams '{"n_estimators": 10}'
  trained random_forest (classification, rust runtime: pgml-cli [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 15 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.957684
    f1                              0.957462  (key metric)
    f1_macro                        0.957220
    log_loss                        0.376905
    mcc                             0.953089
    precision                       0.958805
    precision_macro                 0.957221
    recall                          0.957684
    recall_macro                    0.958831
    roc_auc                         0.997069
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm random_forest --hyperparams '{"n_estimators": 10}' --runtime python
  trained random_forest (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 16 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.957684
    f1                              0.957559  (key metric)
    f1_macro                        0.957271
    log_loss                        0.311524
    mcc                             0.953002
    precision                       0.958160
    precision_macro                 0.956881
    recall                          0.957684
    recall_macro                    0.958409
    roc_auc                         0.998381
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm xgboost --hyperparams '{"n_estimators": 10, "n_jobs": 1}'
  trained xgboost (classification, python runtime: xgboost [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 17 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.959911
    f1                              0.960028  (key metric)
    f1_macro                        0.959826
    log_loss                        0.257112
    mcc                             0.955482
    precision                       0.960904
    precision_macro                 0.960078
    recall                          0.959911
    recall_macro                    0.960357
    roc_auc                         0.998653
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm xgboost_random_forest --hyperparams '{"n_estimators": 10, "n_jobs": 1}'
  trained xgboost_random_forest (classification, python runtime: xgboost [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 18 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.955457
    f1                              0.955194  (key metric)
    f1_macro                        0.955527
    log_loss                        0.292908
    mcc                             0.950545
    precision                       0.955795
    precision_macro                 0.955077
    recall                          0.955457
    recall_macro                    0.956789
    roc_auc                         0.997610
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm lightgbm --hyperparams '{"n_estimators": 1, "n_jobs": 1}'
  trained lightgbm (classification, python runtime: lightgbm [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 19 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.853007
    f1                              0.853959  (key metric)
    f1_macro                        0.852377
    log_loss                        1.682785
    mcc                             0.837900
    precision                       0.865747
    precision_macro                 0.857875
    recall                          0.853007
    recall_macro                    0.858110
    roc_auc                         0.984006
  fit_time [..]s  score_time [..]s

What 1.0 left out as too slow, with their defaults. gaussian_process's RBF kernel of length scale
1 sees pixels of 0-16 as all unlike one another: every probability is within a hair of 1/10
(log_loss ln 10), scikit-learn's own predicts one class for all on its split (f1 0.012), and the
labels are near-ties each CPU may break differently, so the metrics that count labels are elided.
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm gaussian_process
  trained gaussian_process (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 20 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        [..]
    f1                              [..]  (key metric)
    f1_macro                        [..]
    log_loss                        2.302585
    mcc                             [..]
    precision                       [..]
    precision_macro                 [..]
    recall                          [..]
    recall_macro                    [..]
    roc_auc                         [..]
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm hist_gradient_boosting
  trained hist_gradient_boosting (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 21 of project 'Handwritten Digits', not deployed (model 7 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.982183
    f1                              0.982253  (key metric)
    f1_macro                        0.982653
    log_loss                        0.057276
    mcc                             0.980224
    precision                       0.982799
    precision_macro                 0.983949
    recall                          0.982183
    recall_macro                    0.981836
    roc_auc                         0.999767
  fit_time [..]s  score_time [..]s

Grid search as 1.0: scikit-learn's SVC over 6 candidates (5 folds, the default).
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm svm --runtime python --hyperparams '{"random_state": 0}' --search grid \
  > --search-params '{"kernel": ["linear", "poly", "sigmoid"], "shrinking": [true, false]}'
  trained svm (classification, python runtime: scikit-learn [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 22 of project 'Handwritten Digits', deployed
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.997773
    f1                              0.997773  (key metric)
    f1_macro                        0.997959
    mcc                             0.997527
    precision                       0.997818
    precision_macro                 0.997959
    recall                          0.997773
    recall_macro                    0.998000
  search (grid, 5 folds): 6 candidates ranked by mean f1 (the best was refit on every train row):
      1. 0.985854 ± 0.007660  fit [..]s  {"kernel":"poly","random_state":0,"shrinking":true}
      2. 0.985854 ± 0.007660  fit [..]s  {"kernel":"poly","random_state":0,"shrinking":false}
      3. 0.970172 ± 0.010125  fit [..]s  {"kernel":"linear","random_state":0,"shrinking":true}
      4. 0.970172 ± 0.010125  fit [..]s  {"kernel":"linear","random_state":0,"shrinking":false}
      5. 0.909013 ± 0.012490  fit [..]s  {"kernel":"sigmoid","random_state":0,"shrinking":true}
      6. 0.909013 ± 0.012490  fit [..]s  {"kernel":"sigmoid","random_state":0,"shrinking":false}
  fit_time [..]s  score_time [..]s

The deploy calls of 1.0, in its order.
  $ pgml-cli deploy 'Handwritten Digits' --strategy most_recent --algorithm random_forest
  deployed model 16 of project 'Handwritten Digits' (most_recent): random_forest (python), f1 0.957559
  $ pgml-cli deploy 'Handwritten Digits' --strategy best_score
  deployed model 22 of project 'Handwritten Digits' (best_score): svm (python), f1 0.997773
  $ pgml-cli deploy 'Handwritten Digits' --strategy most_recent
  deployed model 22 of project 'Handwritten Digits' (most_recent): svm (python), f1 0.997773
  $ pgml-cli deploy 'Handwritten Digits' --strategy rollback
  deployed model 16 of project 'Handwritten Digits' (rollback): random_forest (python), f1 0.957559
  $ pgml-cli deploy 'Handwritten Digits' --strategy best_score --algorithm svm
  deployed model 22 of project 'Handwritten Digits' (best_score): svm (python), f1 0.997773

Predictions for 10 rows by the deployed model, then by model id (the first model, linear).
  $ head -n 11 datasets/digits.csv | pgml-cli predict --project 'Handwritten Digits' --data - --keep target
  target,target_predicted
  0,0
  1,1
  2,2
  3,3
  4,4
  5,9
  6,6
  7,7
  8,8
  9,9
  $ head -n 11 datasets/digits.csv | pgml-cli predict --model 1 --data - --keep target
  target,target_predicted
  0,0
  1,1
  2,2
  3,3
  4,4
  5,5
  6,6
  7,7
  8,8
  9,9

Not in 1.0: its lightgbm grew one tree per class, whose f1 at the default learning rate of 0.1 is
0.85 above. With lightgbm's defaults (100 trees), after 1.0's deploys so as not to change them:
  $ pgml-cli train --project 'Handwritten Digits' --data datasets/digits.csv --target target --task classification --algorithm lightgbm --hyperparams '{"n_jobs": 1}'
  trained lightgbm (classification, python runtime: lightgbm [..]) on 1348 of 1797 rows of datasets/digits.csv
  64 columns (64 number) -> 64 features
  recorded as model 23 of project 'Handwritten Digits', not deployed (model 22 stays deployed: its f1 is not beaten)
  test metrics on 449 rows (random sampling, seed 0):
    accuracy                        0.984410
    f1                              0.984479  (key metric)
    f1_macro                        0.984495
    log_loss                        0.048519
    mcc                             0.982685
    precision                       0.984828
    precision_macro                 0.984796
    recall                          0.984410
    recall_macro                    0.984471
    roc_auc                         0.999833
  fit_time [..]s  score_time [..]s

Every model the script recorded, the deployed one marked.
  $ pgml-cli models 'Handwritten Digits'  # tolerance 0.01%: the key_metric column, compared as the metrics of fits that stop at a tolerance are (1e-4)
     id  project             algorithm                    runtime  key_metric  created
     1   Handwritten Digits  linear                       rust     0.966691    2026-01-01T00:00:00Z
     2   Handwritten Digits  linear                       python   0.962226    2026-01-01T00:00:00Z
     3   Handwritten Digits  ridge                        python   0.943772    2026-01-01T00:00:00Z
     4   Handwritten Digits  stochastic_gradient_descent  python   0.850207    2026-01-01T00:00:00Z
     5   Handwritten Digits  perceptron                   python   0.934834    2026-01-01T00:00:00Z
     6   Handwritten Digits  passive_aggressive           python   0.950907    2026-01-01T00:00:00Z
     7   Handwritten Digits  svm                          rust     0.995544    2026-01-01T00:00:00Z
     8   Handwritten Digits  svm                          python   0.995544    2026-01-01T00:00:00Z
     9   Handwritten Digits  nu_svm                       python   0.962158    2026-01-01T00:00:00Z
     10  Handwritten Digits  linear_svm                   python   0.942180    2026-01-01T00:00:00Z
     11  Handwritten Digits  ada_boost                    python   0.779307    2026-01-01T00:00:00Z
     12  Handwritten Digits  bagging                      python   0.939659    2026-01-01T00:00:00Z
     13  Handwritten Digits  extra_trees                  python   0.950443    2026-01-01T00:00:00Z
     14  Handwritten Digits  gradient_boosting_trees      python   0.922658    2026-01-01T00:00:00Z
     15  Handwritten Digits  random_forest                rust     0.957462    2026-01-01T00:00:00Z
     16  Handwritten Digits  random_forest                python   0.957559    2026-01-01T00:00:00Z
     17  Handwritten Digits  xgboost                      python   0.960028    2026-01-01T00:00:00Z
     18  Handwritten Digits  xgboost_random_forest        python   0.955194    2026-01-01T00:00:00Z
     19  Handwritten Digits  lightgbm                     python   0.853959    2026-01-01T00:00:00Z
     20  Handwritten Digits  gaussian_process             python   [..]    2026-01-01T00:00:00Z
     21  Handwritten Digits  hist_gradient_boosting       python   0.982253    2026-01-01T00:00:00Z
  *  22  Handwritten Digits  svm                          python   0.997773    2026-01-01T00:00:00Z
     23  Handwritten Digits  lightgbm                     python   0.984479    2026-01-01T00:00:00Z

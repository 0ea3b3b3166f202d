PostgresML 1.0's regression.sql, on diabetes (442 rows, scaled features, as 1.0 had them).

The algorithms of the 1.0 script, in its order and with its hyperparameters. Where an algorithm
has both runtimes, the default (rust) comes first, then `--runtime python` (scikit-learn, as 1.0).
xgboost and lightgbm are pinned to one thread (see README.md).
elastic_net's and quantile's penalties of 1.0 zero most coefficients of features scaled to norm 1,
and SVR's C of 1.0 underfits a target spread over 25-346: scikit-learn gives the same figures.
1.0's svm took scikit-learn's max_iter, which the native svm lacks: that line trains on the python
runtime (and says so), and the native svm follows with its defaults.
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm linear
  trained linear (regression, rust runtime: ndarray-linalg [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 1 of project 'Diabetes Progression', deployed
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             42.095783
    mean_squared_error              2756.724419
    r2                              0.547267  (key metric)
    root_mean_squared_error         52.504518
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm linear --runtime python
  trained linear (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 2 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             42.095783
    mean_squared_error              2756.724419
    r2                              0.547267  (key metric)
    root_mean_squared_error         52.504518
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm ridge
  trained ridge (regression, rust runtime: ndarray-linalg [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 3 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             48.170979
    mean_squared_error              3341.950716
    r2                              0.451156  (key metric)
    root_mean_squared_error         57.809607
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm ridge --runtime python
  trained ridge (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 4 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             48.170979
    mean_squared_error              3341.950716
    r2                              0.451156  (key metric)
    root_mean_squared_error         57.809607
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm lasso
  trained lasso (regression, rust runtime: linfa [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 5 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             52.057439
    mean_squared_error              3872.747301
    r2                              0.363983  (key metric)
    root_mean_squared_error         62.231401
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm lasso --runtime python
  trained lasso (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 6 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             52.057439
    mean_squared_error              3872.747301
    r2                              0.363983  (key metric)
    root_mean_squared_error         62.231401
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm elastic_net
  trained elastic_net (regression, rust runtime: linfa [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 7 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             65.946681
    mean_squared_error              6043.279874
    r2                              0.007533  (key metric)
    root_mean_squared_error         77.738535
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm elastic_net --runtime python
  trained elastic_net (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 8 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             65.948373
    mean_squared_error              6043.199227
    r2                              0.007533  (key metric)
    root_mean_squared_error         77.738017
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm least_angle
  trained least_angle (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 9 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             42.095518
    mean_squared_error              2756.739207
    r2                              0.547264  (key metric)
    root_mean_squared_error         52.504659
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm lasso_least_angle
  trained lasso_least_angle (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 10 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             52.057434
    mean_squared_error              3872.742298
    r2                              0.363984  (key metric)
    root_mean_squared_error         62.231361
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm orthogonal_matching_pursuit
  trained orthogonal_matching_pursuit (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 11 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             50.404353
    mean_squared_error              3834.920814
    r2                              0.370196  (key metric)
    root_mean_squared_error         61.926737
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm bayesian_ridge
  trained bayesian_ridge (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 12 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             42.121629
    mean_squared_error              2757.018850
    r2                              0.547218  (key metric)
    root_mean_squared_error         52.507322
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm automatic_relevance_determination
  trained automatic_relevance_determination (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 13 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             42.321777
    mean_squared_error              2779.782141
    r2                              0.543480  (key metric)
    root_mean_squared_error         52.723639
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm stochastic_gradient_descent
  pgml-cli: warning: ConvergenceWarning: Maximum number of iteration reached before convergence. Consider increasing max_iter to improve the fit.
  trained stochastic_gradient_descent (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 14 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             48.758861
    mean_squared_error              3419.783326
    r2                              0.438373  (key metric)
    root_mean_squared_error         58.478914
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm passive_aggressive
  pgml-cli: warning: FutureWarning: Class PassiveAggressiveRegressor is deprecated; this is deprecated in version 1.8 and will be removed in 1.10. Use `SGDRegressor(loss='epsilon_insensitive', penalty=None, learning_rate='pa1', eta0 = 1.0)` instead.
  trained passive_aggressive (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 15 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             46.773516
    mean_squared_error              3263.173587
    r2                              0.464093  (key metric)
    root_mean_squared_error         57.124194
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm ransac
  trained ransac (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 16 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             46.624836
    mean_squared_error              3858.130861
    r2                              0.366384  (key metric)
    root_mean_squared_error         62.113854
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm theil_sen --hyperparams '{"max_iter": 10, "max_subpopulation": 100}'
  pgml-cli: warning: ConvergenceWarning: Maximum number of iterations 10 reached in spatial median for TheilSen regressor.
  trained theil_sen (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 17 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             46.655257
    mean_squared_error              3466.871967
    r2                              0.430640  (key metric)
    root_mean_squared_error         58.880149
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm huber  # tolerance 0.1%: lbfgs stops unconverged at 100 iterations, and each CPU's BLAS kernels lead it elsewhere (measured: 0.02%)
  pgml-cli: warning: ConvergenceWarning: lbfgs failed to converge after 100 iteration(s) (status=1): STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT Increase the number of iterations to improve the convergence (max_iter=100). You might also want to scale the data as shown in: https://scikit-learn.org/stable/modules/preprocessing.html
  trained huber (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 18 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             42.024088
    mean_squared_error              2783.772525
    r2                              0.542824  (key metric)
    root_mean_squared_error         52.761468
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm svm --hyperparams '{"max_iter": 100}'
  pgml-cli: warning: the native svm takes no hyperparameter 'max_iter': training on the python runtime
  pgml-cli: warning: ConvergenceWarning: Solver terminated early (max_iter=100). Consider pre-processing your data with StandardScaler or MinMaxScaler.
  trained svm (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 19 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             61.376352
    mean_squared_error              5623.127101
    r2                              0.076521  (key metric)
    root_mean_squared_error         74.987513
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm svm --runtime rust
  trained svm (regression, rust runtime: linfa [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 20 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             59.943024
    mean_squared_error              5229.687377
    r2                              0.141135  (key metric)
    root_mean_squared_error         72.316577
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm nu_svm --hyperparams '{"max_iter": 10}'
  pgml-cli: warning: ConvergenceWarning: Solver terminated early (max_iter=10). Consider pre-processing your data with StandardScaler or MinMaxScaler.
  trained nu_svm (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 21 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             70.069307
    mean_squared_error              6456.113760
    r2                              -0.060280  (key metric)
    root_mean_squared_error         80.349946
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm linear_svm --hyperparams '{"max_iter": 100}'
  trained linear_svm (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 22 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             70.853147
    mean_squared_error              8591.367563
    r2                              -0.410950  (key metric)
    root_mean_squared_error         92.689630
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm ada_boost --hyperparams '{"n_estimators": 5}'
  trained ada_boost (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 23 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             49.793106
    mean_squared_error              3799.725936
    r2                              0.375976  (key metric)
    root_mean_squared_error         61.641917
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm bagging --hyperparams '{"n_estimators": 5}'
  trained bagging (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 24 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             53.407207
    mean_squared_error              4316.064505
    r2                              0.291178  (key metric)
    root_mean_squared_error         65.696762
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm extra_trees --hyperparams '{"n_estimators": 5}'
  trained extra_trees (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 25 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             46.814414
    mean_squared_error              3481.357117
    r2                              0.428261  (key metric)
    root_mean_squared_error         59.003026
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm gradient_boosting_trees --hyperparams '{"n_estimators": 5}'
  trained gradient_boosting_trees (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 26 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             56.463628
    mean_squared_error              4381.023555
    r2                              0.280510  (key metric)
    root_mean_squared_error         66.189301
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm random_forest --hyperparams '{"n_estimators": 5}'
  trained random_forest (regression, rust runtime: pgml-cli [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 27 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             53.317117
    mean_squared_error              4404.785946
    r2                              0.276607  (key metric)
    root_mean_squared_error         66.368561
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm random_forest --hyperparams '{"n_estimators": 5}' --runtime python
  trained random_forest (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 28 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             53.753153
    mean_squared_error              4410.997838
    r2                              0.275587  (key metric)
    root_mean_squared_error         66.415343
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm xgboost --hyperparams '{"n_estimators": 10, "n_jobs": 1}'
  trained xgboost (regression, python runtime: xgboost [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 29 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             49.613154
    mean_squared_error              3958.543810
    r2                              0.349893  (key metric)
    root_mean_squared_error         62.916960
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm xgboost_random_forest --hyperparams '{"n_estimators": 10, "n_jobs": 1}'
  trained xgboost_random_forest (regression, python runtime: xgboost [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 30 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             48.775521
    mean_squared_error              3787.025718
    r2                              0.378061  (key metric)
    root_mean_squared_error         61.538815
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm lightgbm --hyperparams '{"n_estimators": 1, "n_jobs": 1}'
  trained lightgbm (regression, python runtime: lightgbm [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 31 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             63.571216
    mean_squared_error              5568.032950
    r2                              0.085569  (key metric)
    root_mean_squared_error         74.619253
  fit_time [..]s  score_time [..]s

What 1.0 left out as too slow, with their defaults. kernel_ridge and gaussian_process fit no
intercept by default (scikit-learn's defaults, which PostgresML passes on): around a target of
mean 152 their r2 is far below 0, as scikit-learn's own on its split of diabetes (-4.3, -4.7).
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm quantile
  trained quantile (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 32 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             65.693694
    mean_squared_error              6321.423423
    r2                              -0.038160  (key metric)
    root_mean_squared_error         79.507380
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm kernel_ridge
  trained kernel_ridge (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 33 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             151.595324
    mean_squared_error              26482.936230
    r2                              -3.349260  (key metric)
    root_mean_squared_error         162.735787
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm gaussian_process
  pgml-cli: warning: ConvergenceWarning: The optimal value found for dimension 0 of parameter k2__length_scale is close to the specified lower bound 1e-05. Decreasing the bound and calling fit again may find a better value.
  trained gaussian_process (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 34 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             154.243243
    mean_squared_error              29880.045045
    r2                              -3.907163  (key metric)
    root_mean_squared_error         172.858454
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm hist_gradient_boosting
  trained hist_gradient_boosting (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 35 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             45.930660
    mean_squared_error              3549.261933
    r2                              0.417109  (key metric)
    root_mean_squared_error         59.575682
  fit_time [..]s  score_time [..]s

Grid search as 1.0: xgboost over 8 candidates, 5 folds.
  $ pgml-cli train --project 'Diabetes Progression' --data datasets/diabetes.csv --target target --task regression --algorithm xgboost --hyperparams '{"n_jobs": 1}' --search grid \
  > --search-params '{"max_depth": [1, 2], "n_estimators": [20, 40], "learning_rate": [0.1, 0.2]}'
  trained xgboost (regression, python runtime: xgboost [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 36 of project 'Diabetes Progression', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             44.951082
    mean_squared_error              3103.967083
    r2                              0.490239  (key metric)
    root_mean_squared_error         55.713258
  search (grid, 5 folds): 8 candidates ranked by mean r2 (the best was refit on every train row):
      1. 0.453151 ± 0.091183  fit [..]s  {"learning_rate":0.2,"max_depth":1,"n_estimators":40,"n_jobs":1}
      2. 0.452157 ± 0.103388  fit [..]s  {"learning_rate":0.2,"max_depth":2,"n_estimators":20,"n_jobs":1}
      3. 0.446282 ± 0.092582  fit [..]s  {"learning_rate":0.1,"max_depth":2,"n_estimators":40,"n_jobs":1}
      4. 0.440483 ± 0.104336  fit [..]s  {"learning_rate":0.2,"max_depth":2,"n_estimators":40,"n_jobs":1}
      5. 0.435271 ± 0.087582  fit [..]s  {"learning_rate":0.2,"max_depth":1,"n_estimators":20,"n_jobs":1}
      6. 0.431039 ± 0.081877  fit [..]s  {"learning_rate":0.1,"max_depth":1,"n_estimators":40,"n_jobs":1}
      7. 0.418222 ± 0.082719  fit [..]s  {"learning_rate":0.1,"max_depth":2,"n_estimators":20,"n_jobs":1}
      8. 0.369700 ± 0.064470  fit [..]s  {"learning_rate":0.1,"max_depth":1,"n_estimators":20,"n_jobs":1}
  fit_time [..]s  score_time [..]s

The deploy calls of 1.0, in its order.
  $ pgml-cli deploy 'Diabetes Progression' --strategy most_recent --algorithm random_forest
  deployed model 28 of project 'Diabetes Progression' (most_recent): random_forest (python), r2 0.275587
  $ pgml-cli deploy 'Diabetes Progression' --strategy best_score
  deployed model 2 of project 'Diabetes Progression' (best_score): linear (python), r2 0.547267
  $ pgml-cli deploy 'Diabetes Progression' --strategy most_recent
  deployed model 36 of project 'Diabetes Progression' (most_recent): xgboost (python), r2 0.490239
  $ pgml-cli deploy 'Diabetes Progression' --strategy rollback
  deployed model 2 of project 'Diabetes Progression' (rollback): linear (python), r2 0.547267
  $ pgml-cli deploy 'Diabetes Progression' --strategy best_score --algorithm svm
  deployed model 20 of project 'Diabetes Progression' (best_score): svm (rust), r2 0.141135

Predictions for 10 rows by the deployed model, then by model id (the first model, linear).
  $ head -n 11 datasets/diabetes.csv | pgml-cli predict --project 'Diabetes Progression' --data - --keep target
  target,target_predicted
  151,151.54243341691347
  75,115.27807698700127
  141,144.82634690095006
  206,141.1512594126454
  135,128.27948079014757
  97,128.05454192701026
  138,117.85792203234986
  63,141.31487340755848
  110,142.97618030332825
  310,145.2952866282365
  $ head -n 11 datasets/diabetes.csv | pgml-cli predict --model 1 --data - --keep target
  target,target_predicted
  151,210.85974543441708
  75,69.91712972195106
  141,181.34475663572894
  206,164.90107735360587
  135,130.59133830416542
  97,111.35565198707303
  138,79.01286965970836
  63,122.06170049865828
  110,162.21019874868566
  310,213.30274042286575

Every model the script recorded, the deployed one marked.
  $ pgml-cli models 'Diabetes Progression'  # tolerance 0.1%: huber's key metric (unconverged, checked at its own step)
     id  project               algorithm                          runtime  key_metric  created
     1   Diabetes Progression  linear                             rust     0.547267    2026-01-01T00:00:00Z
     2   Diabetes Progression  linear                             python   0.547267    2026-01-01T00:00:00Z
     3   Diabetes Progression  ridge                              rust     0.451156    2026-01-01T00:00:00Z
     4   Diabetes Progression  ridge                              python   0.451156    2026-01-01T00:00:00Z
     5   Diabetes Progression  lasso                              rust     0.363793    2026-01-01T00:00:00Z
     6   Diabetes Progression  lasso                              python   0.363983    2026-01-01T00:00:00Z
     7   Diabetes Progression  elastic_net                        rust     0.007533    2026-01-01T00:00:00Z
     8   Diabetes Progression  elastic_net                        python   0.007533    2026-01-01T00:00:00Z
     9   Diabetes Progression  least_angle                        python   0.547264    2026-01-01T00:00:00Z
     10  Diabetes Progression  lasso_least_angle                  python   0.363984    2026-01-01T00:00:00Z
     11  Diabetes Progression  orthogonal_matching_pursuit        python   0.370196    2026-01-01T00:00:00Z
     12  Diabetes Progression  bayesian_ridge                     python   0.547218    2026-01-01T00:00:00Z
     13  Diabetes Progression  automatic_relevance_determination  python   0.543480    2026-01-01T00:00:00Z
     14  Diabetes Progression  stochastic_gradient_descent        python   0.438373    2026-01-01T00:00:00Z
     15  Diabetes Progression  passive_aggressive                 python   0.464093    2026-01-01T00:00:00Z
     16  Diabetes Progression  ransac                             python   0.366384    2026-01-01T00:00:00Z
     17  Diabetes Progression  theil_sen                          python   0.430640    2026-01-01T00:00:00Z
     18  Diabetes Progression  huber                              python   0.542824    2026-01-01T00:00:00Z
     19  Diabetes Progression  svm                                python   0.076521    2026-01-01T00:00:00Z
  *  20  Diabetes Progression  svm                                rust     0.141135    2026-01-01T00:00:00Z
     21  Diabetes Progression  nu_svm                             python   -0.060280   2026-01-01T00:00:00Z
     22  Diabetes Progression  linear_svm                         python   -0.410950   2026-01-01T00:00:00Z
     23  Diabetes Progression  ada_boost                          python   0.375976    2026-01-01T00:00:00Z
     24  Diabetes Progression  bagging                            python   0.291178    2026-01-01T00:00:00Z
     25  Diabetes Progression  extra_trees                        python   0.428261    2026-01-01T00:00:00Z
     26  Diabetes Progression  gradient_boosting_trees            python   0.280510    2026-01-01T00:00:00Z
     27  Diabetes Progression  random_forest                      rust     0.276607    2026-01-01T00:00:00Z
     28  Diabetes Progression  random_forest                      python   0.275587    2026-01-01T00:00:00Z
     29  Diabetes Progression  xgboost                            python   0.349893    2026-01-01T00:00:00Z
     30  Diabetes Progression  xgboost_random_forest              python   0.378061    2026-01-01T00:00:00Z
     31  Diabetes Progression  lightgbm                           python   0.085569    2026-01-01T00:00:00Z
     32  Diabetes Progression  quantile                           python   -0.038160   2026-01-01T00:00:00Z
     33  Diabetes Progression  kernel_ridge                       python   -3.349260   2026-01-01T00:00:00Z
     34  Diabetes Progression  gaussian_process                   python   -3.907163   2026-01-01T00:00:00Z
     35  Diabetes Progression  hist_gradient_boosting             python   0.417109    2026-01-01T00:00:00Z
     36  Diabetes Progression  xgboost                            python   0.490239    2026-01-01T00:00:00Z
